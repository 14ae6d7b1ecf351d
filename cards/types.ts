/**
 * The shapes cards render. They mirror the query results of services/views.ts field by field, so the
 * bot can pass those straight through, but are declared here so cards/ depends on nothing.
 * Moments are `Date` or ISO strings; calendar dates are `YYYY-MM-DD` strings (or Dates at UTC midnight).
 */

export type ClaimStatus =
  'EDITING' | 'SUBMITTED' | 'IN_REVIEW' | 'ACTION_REQUIRED' | 'APPROVED' | 'REJECTED' | 'DISPUTED' | 'EXPIRED' | 'CANCELLED';
export const CLAIM_STATUSES: readonly ClaimStatus[] = [
  'EDITING',
  'SUBMITTED',
  'IN_REVIEW',
  'ACTION_REQUIRED',
  'APPROVED',
  'REJECTED',
  'DISPUTED',
  'EXPIRED',
  'CANCELLED',
];

export type DocumentKind = 'INVOICE' | 'CSR' | 'PROOF' | 'METRIC' | 'ADDITIONAL_INFO';
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['INVOICE', 'CSR', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'];

export type ReviewState = 'PENDING' | 'ACCEPTED' | 'NEEDS_FIX';
export type FundCategory = 'DEMAND_GENERATION' | 'MARKET_DEVELOPMENT' | 'PARTNER_SKILLING';
export type UploadRequestStatus = 'OPEN' | 'FULFILLED' | 'DECLINED' | 'CANCELLED';
export type ActorKind = 'USER' | 'REVIEWER' | 'SYSTEM';

export type Moment = Date | string;
export type CalendarDate = Date | string;

/** A value of an Adaptive Card: plain JSON. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
export type CardElement = { type: string; [k: string]: Json | undefined };
export type CardAction = { type: string; title?: string; [k: string]: Json | undefined };

/** What every render function returns: an Adaptive Card 1.5 ready to be an attachment's `content`. */
export type AdaptiveCard = {
  $schema?: string;
  type: 'AdaptiveCard';
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  refresh?: { action: CardAction; userIds?: string[] };
  msteams?: { width?: 'Full' };
  fallbackText?: string;
};

/** Options every render function accepts: the zone moments (not calendar dates) are shown in. */
export type RenderOptions = { timeZone?: string };

/** The claim a form or notice is about: what the heading shows and what the buttons carry. */
export type ClaimRef = { id: string; number: string; name: string; version: number };

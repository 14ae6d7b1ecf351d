import type { ClaimStatus } from '../prisma/generated/client';
import { conflict } from './errors';

/**
 * The claim lifecycle of domain.md §2.2 with the product decisions of §9. Each command names its
 * transition; anything not in this table is refused.
 */
export const TRANSITIONS = {
  submit: { from: ['EDITING'], to: 'SUBMITTED' },
  resubmit: { from: ['ACTION_REQUIRED'], to: 'SUBMITTED' },
  startReview: { from: ['SUBMITTED'], to: 'IN_REVIEW' },
  requestInformation: { from: ['IN_REVIEW', 'DISPUTED'], to: 'ACTION_REQUIRED' },
  approve: { from: ['IN_REVIEW', 'DISPUTED'], to: 'APPROVED' },
  reject: { from: ['IN_REVIEW', 'DISPUTED'], to: 'REJECTED' },
  dispute: { from: ['REJECTED'], to: 'DISPUTED' },
  cancel: { from: ['EDITING'], to: 'CANCELLED' },
  expire: { from: ['EDITING', 'ACTION_REQUIRED'], to: 'EXPIRED' },
} as const satisfies Record<string, { from: readonly ClaimStatus[]; to: ClaimStatus }>;

export type Transition = keyof typeof TRANSITIONS;

/** Only these statuses allow documents, metrics and field edits. */
export const EDITABLE: readonly ClaimStatus[] = ['EDITING', 'ACTION_REQUIRED'];
/** Statuses whose amount counts as claimed (domain.md §9); APPROVED counts at the approved amount. */
export const COUNTS_AS_CLAIMED: readonly ClaimStatus[] = ['SUBMITTED', 'IN_REVIEW', 'ACTION_REQUIRED', 'DISPUTED', 'APPROVED'];
export const TERMINAL: readonly ClaimStatus[] = ['APPROVED', 'EXPIRED', 'CANCELLED'];

export const isEditable = (s: ClaimStatus) => EDITABLE.includes(s);

export function canTransition(t: Transition, from: ClaimStatus): boolean {
  return (TRANSITIONS[t].from as readonly ClaimStatus[]).includes(from);
}

/** The status after `t`, or a `transition_not_allowed` conflict that says from where it is allowed. */
export function transition(t: Transition, from: ClaimStatus): ClaimStatus {
  if (!canTransition(t, from)) {
    throw conflict('transition_not_allowed', `Cannot ${t} a claim that is ${from}`, {
      action: t,
      status: from,
      allowedFrom: [...TRANSITIONS[t].from],
    });
  }
  return TRANSITIONS[t].to;
}

export function assertEditable(s: ClaimStatus): void {
  if (!isEditable(s)) throw conflict('not_editable', `A claim that is ${s} cannot be edited`, { status: s });
}

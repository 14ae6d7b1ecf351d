import type { Principal } from './authz';
import type { Db } from './db/client';

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/** Service-side settings (a slice of Config), so services never see the bot's configuration. */
export type ServiceSettings = {
  pendingUploadMinutes: number;
  expiryWarningDays: number;
  reminderIntervalHours: number;
  /** Teams channel conversation where review cards go; unset = each reviewer's 1:1 chat. */
  reviewersConversationId?: string;
  /** REVIEW_TENANT_ID: the organisation whose reviewers review everyone; unset = each organisation reviews its own claims. */
  reviewTenantId?: string;
};

export const defaultServiceSettings: ServiceSettings = { pendingUploadMinutes: 30, expiryWarningDays: 7, reminderIntervalHours: 24 };

/** What every service command and query receives first. */
export type Services = { db: Db; clock: Clock; settings: ServiceSettings };

/** Who is acting: always a stored user id, resolved by the bot from the activity (never from card data). */
export type Actor = {
  userId: string;
  /** The same user's principal, loaded from the database in this turn (bot/app.ts); services read it afresh when absent. */
  principal?: Principal;
};

/**
 * What every state-changing command returns. The bot then reads what it shows (e.g. claim detail)
 * through a query, so commands and views stay independent.
 */
export type CommandResult = {
  claimId: string;
  version: number;
  status: import('../prisma/generated/client').ClaimStatus;
  replayed?: boolean;
};

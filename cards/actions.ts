import type { ClaimStatus, DocumentKind } from './types';

/**
 * Every `Action.Execute` verb the cards emit. The bot routes on these (bot/actions.ts); the data of
 * each carries only ids, the claim version and an idempotency key, never entity state.
 */
export const VERBS = {
  claimNewForm: 'claim.new.form',
  claimCreate: 'claim.create',
  claimOpen: 'claim.open',
  claimRefresh: 'claim.refresh',
  claimEditForm: 'claim.edit.form',
  claimUpdate: 'claim.update',
  claimSubmit: 'claim.submit',
  claimResubmit: 'claim.resubmit',
  claimCancel: 'claim.cancel',
  claimDisputeForm: 'claim.dispute.form',
  claimDispute: 'claim.dispute',
  claimHistory: 'claim.history',
  claimDocuments: 'claim.documents',
  overviewOpen: 'overview.open',
  reviewsOpen: 'reviews.open',
  docAddForm: 'doc.add.form',
  docAdd: 'doc.add',
  docRemove: 'doc.remove',
  csrGenerate: 'csr.generate',
  csrAddLine: 'csr.addLine',
  metricAdd: 'metric.add',
  infoAdd: 'info.add',
  uploadCancelPending: 'upload.cancelPending',
  commentForm: 'comment.form',
  commentAdd: 'comment.add',
  uploadAskForm: 'upload.ask.form',
  uploadAsk: 'upload.ask',
  uploadStart: 'upload.start',
  uploadDecline: 'upload.decline',
  uploadCancel: 'upload.cancel',
  reviewStart: 'review.start',
  reviewDoc: 'review.doc',
  reviewRequestInfoForm: 'review.requestInfo.form',
  reviewRequestInfo: 'review.requestInfo',
  reviewApproveForm: 'review.approve.form',
  reviewApprove: 'review.approve',
  reviewRejectForm: 'review.reject.form',
  reviewReject: 'review.reject',
  reviewAssignForm: 'review.assign.form',
  reviewAssign: 'review.assign',
  claimExport: 'claim.export',
  claimsExport: 'claims.export',
  // Administration (bot/handlers/admin.ts)
  adminOpen: 'admin.open',
  adminRenameForm: 'admin.rename.form',
  adminRename: 'admin.rename',
  adminLocationForm: 'admin.location.form',
  adminLocationSave: 'admin.location.save',
  adminLocationDeactivate: 'admin.location.deactivate',
  adminLocationReactivate: 'admin.location.reactivate',
  adminMemberForm: 'admin.member.form',
  adminRoleGrant: 'admin.role.grant',
  adminRoleRevoke: 'admin.role.revoke',
  fundsImportStart: 'funds.import.start',
  fundsImportConfirm: 'funds.import.confirm',
  fundsImportCancel: 'funds.import.cancel',
  fundsAllocationPick: 'funds.allocation.pick',
  fundsAllocationForm: 'funds.allocation.form',
  fundsAllocationSave: 'funds.allocation.save',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

/** The only keys action data may carry. */
export type ActionData = {
  claimId?: string;
  version?: number;
  idempotencyKey?: string;
  kind?: DocumentKind;
  documentId?: string;
  uploadRequestId?: string;
  decision?: 'ACCEPT' | 'NEEDS_FIX';
  focus?: string;
  before?: string;
  userId?: string;
  locationId?: string;
  roleAssignmentId?: string;
  importId?: string;
  allocationId?: string;
  /** CSR form: how many line rows it shows ("Add a line" asks for one more). */
  lines?: number;
  /** Review queue: the filter a page was read with, and the page (1-based); a documents card: its page. */
  filter?: QueueFilterData;
  page?: number;
};

/** The review queue's filter as card data (services/reviewQueue.ts reviewQueueInput parses it). */
export type QueueFilterData = {
  organisationId?: string;
  programId?: string;
  status?: ClaimStatus;
  owner?: 'all' | 'mine' | 'unassigned';
  age?: 'any' | 'overdue' | 'escalated' | '1' | '2' | '5' | '10';
};
export const ACTION_DATA_KEYS: readonly (keyof ActionData)[] = [
  'claimId',
  'version',
  'idempotencyKey',
  'kind',
  'documentId',
  'uploadRequestId',
  'decision',
  'focus',
  'before',
  'userId',
  'locationId',
  'roleAssignmentId',
  'importId',
  'allocationId',
  'lines',
  'filter',
  'page',
];

export type ExecuteSpec = {
  title: string;
  verb: Verb;
  data: ActionData;
  style: 'positive' | 'destructive' | null;
  /** `none` for buttons that must work while required inputs are empty (Cancel, Back). */
  associatedInputs: 'auto' | 'none';
};

/** Drops undefined keys so the JSON carries exactly what was meant. */
export function actionData(d: ActionData): ActionData {
  const out: ActionData = {};
  for (const k of ACTION_DATA_KEYS) if (d[k] !== undefined && d[k] !== null) (out as Record<string, unknown>)[k] = d[k];
  return out;
}

export function execute(
  title: string,
  verb: Verb,
  data: ActionData,
  opts: { style?: 'positive' | 'destructive'; inputs?: 'auto' | 'none' } = {},
): ExecuteSpec {
  return { title, verb, data: actionData(data), style: opts.style ?? null, associatedInputs: opts.inputs ?? 'none' };
}

/** The id of the per-document "Needs fix" text input; the bot reads the feedback from `data[needsFixInputId(id)]`. */
export const needsFixInputId = (documentId: string) => `feedback_${documentId}`;

/**
 * One idempotency key per button, derived from the key minted for the render: services/idempotency.ts
 * stores a key per command, so one key shared by two different commands would make the second fail.
 */
export function actionKey(base: string, ...parts: string[]): string {
  const suffix = `:${parts.join(':')}`;
  return base.slice(0, Math.max(8, 100 - suffix.length)) + suffix;
}

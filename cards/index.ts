/**
 * cards/: every Adaptive Card of the product (schema 1.5) and every user-visible string (en, ko).
 * Pure: no I/O, no botbuilder. The bot maps service results to these view models (they mirror
 * services/views.ts field by field) and sends the returned JSON as an attachment:
 *
 *   { contentType: 'application/vnd.microsoft.card.adaptive', content: renderClaimDetail(vm, locale) }
 *
 * Conventions
 * - `locale` is the Teams client locale; `ko*` renders Korean, anything else English.
 * - Amounts are integer minor units (major × 100, as services/input.ts parses them); calendar dates
 *   are `YYYY-MM-DD` (shown in UTC); moments are Dates/ISO strings shown in `opts.timeZone` (UTC default).
 * - Buttons are `Action.Execute` with a verb from `VERBS`; their data carries only ids, the claim
 *   version, an idempotency key (derived per button from the view model's `idempotencyKey`), and
 *   `kind` / `decision` / `focus` / `before`. Submitted inputs arrive merged into that data, under
 *   the ids the services use (`name`, `amount`, `details`, `reason`, `message`, `text`, …).
 * - Forms take `values` (what the user typed) and `errors` (message per input id); build `errors`
 *   from a ServiceError with `fieldErrors(locale, err.details.issues)`.
 * - Per-document "Needs fix" feedback arrives as `data[needsFixInputId(documentId)]`.
 * - Metric form: the name is `data.otherName || data.name`.
 */
export type { AdaptiveCard, ClaimRef, ClaimStatus, DocumentKind, RenderOptions, ReviewState, UploadRequestStatus } from './types';
export { VERBS, ACTION_DATA_KEYS, needsFixInputId, actionKey, type Verb, type ActionData, type QueueFilterData } from './actions';
export { t, langOf, type StringKey, type Lang } from './strings';
export { formatMoney, formatDate, formatMoment, minorToInput, statusTone } from './format';
export {
  errorMessage,
  errorView,
  fieldErrors,
  issueMessage,
  ruleMessage,
  checklistLabel,
  type ServiceErrorLike,
  type ErrorView,
} from './errors';
export { cardBytes } from './render';
export type { FormState } from './form';

// 1. Welcome / help
export { renderWelcome, type WelcomeView } from './welcome';
// 2. Create claim
export {
  renderCreateClaim,
  renderEditClaim,
  type CreateClaimView,
  type EditClaimView,
  type AllocationChoice,
  type ActivityTypeChoice,
} from './createClaim';
// 3. Claim detail
export { renderClaimDetail, type ClaimDetailView, type ClaimDocumentView, type ClaimAction, type Note, type NoteKey } from './claimDetail';
// 3b. Every document of one kind, paged, with its buttons
export { renderClaimDocuments, DOCUMENTS_PAGE_SIZE, type ClaimDocumentsView } from './claimDocuments';
// 4. Documents: add form per kind, "send me the file", "file received"
export {
  renderAddDocument,
  csrInputFromForm,
  documentFormNeeds,
  renderFilePrompt,
  renderFileReceived,
  renderFileElsewhere,
  type AddDocumentView,
  type FilePromptView,
  type FileReceivedView,
  type FileElsewhereView,
} from './documentForms';
// 5. Small claim forms and cancel confirmation
export {
  renderCommentForm,
  renderDisputeForm,
  renderRequestInfoForm,
  renderApproveForm,
  renderRejectForm,
  renderConfirmCancel,
  type ClaimFormView,
  type ApproveFormView,
} from './claimForms';
// 6. Funds overview
export { renderOverview, type OverviewView } from './overview';
// 7. History
export { renderHistory, type HistoryView } from './history';
// 8, 9. Ask a colleague, the request card, and "request sent"
export {
  renderAskColleague,
  renderUploadRequest,
  renderAskSent,
  type AskColleagueView,
  type UploadRequestView,
  type AskSentView,
} from './uploadRequests';
// 10. Notifications (outbox)
export { renderNotification, type NotificationView } from './notifications';
// 11. Review queue
export { renderReviewQueue, type ReviewQueueView } from './reviewQueue';
export { renderAssignReview, type AssignReviewView } from './reviewAssign';
// 12. Generic message / error
export { renderMessage, renderError, type MessageView } from './notice';
// Admins: notification outbox status
export { renderOutboxStatus, type OutboxStatusView } from './outboxStatus';
// 13. Export ready (signed download link)
export { renderExportReady, type ExportReadyView } from './exports';
// Read-only summary for people who are not on a claim
export { renderClaimSummary, type ClaimSummaryView } from './claimSummary';
// Administration: organisation, a person's roles, location / rename / allocation forms, funds import
export {
  renderOrganisation,
  renderMember,
  renderRenameForm,
  renderLocationForm,
  renderFundsPrompt,
  renderFundsPreview,
  renderAllocationPick,
  renderAllocationForm,
  refusalLine,
  changeText,
  countryName,
  grantLabel,
  type OrganisationCardView,
  type MemberCardView,
  type LocationFormView,
  type FundsPromptView,
  type AdminNote,
} from './organisation';

import type { ClaimStatus, DocumentKind, FundCategory, ReviewState } from '../prisma/generated/client';

/**
 * Query results: what cards render. Calendar dates (usage period, deadline, activity dates) are
 * `YYYY-MM-DD` strings, the form Input.Date and cards use; moments (createdAt, dueAt) are Dates.
 */

/** One line of the completeness checklist; the same rules `submitClaim` enforces. */
export type ChecklistItem = { rule: string; ok: boolean; params?: Record<string, unknown> };

export type ClaimAction =
  | 'edit'
  | 'add_invoice'
  | 'add_proof'
  | 'add_metric'
  | 'add_csr'
  | 'add_additional_info'
  | 'ask_colleague'
  | 'submit'
  | 'resubmit'
  | 'cancel'
  | 'comment'
  | 'dispute'
  | 'history'
  | 'start_review'
  | 'review_document'
  | 'request_information'
  | 'approve'
  | 'reject'
  | 'assign_review'
  | 'export'
  | 'upload_requested';

export type ViewerRole = 'partner' | 'reviewer' | 'colleague' | 'other';

export type DocumentView = {
  id: string;
  kind: DocumentKind;
  details: string;
  /** Structured fields per kind (see the `*Fields` schemas in services/documents.ts). */
  fields: Record<string, unknown>;
  hasFile: boolean;
  fileName: string | null;
  contentType: string | null;
  fileSize: number | null;
  /** The web link the uploader gave (e.g. a proof's landing page); never the stored file. */
  url: string | null;
  /** The stored file's signed link: added by the bot (bot/documentLinks.ts), which holds the signing secret. */
  fileUrl?: string | null;
  uploaderName: string;
  createdAt: Date;
  reviewState: ReviewState;
  reviewComment: string | null;
  openFeedback: Array<{ id: string; text: string; reviewerName: string; createdAt: Date }>;
};

export type FeedbackView = {
  id: string;
  text: string;
  reviewerName: string;
  documentId: string | null;
  resolved: boolean;
  createdAt: Date;
};
export type CommentView = { id: string; text: string; authorName: string; createdAt: Date };

/**
 * A decision that explains the claim's current status, with its reason: the approval (and why it
 * was cut), the rejection, the request for information, or the partner's dispute of a rejection.
 */
export type DecisionView = {
  kind: 'approved' | 'rejected' | 'information_requested' | 'disputed';
  byName: string;
  at: Date;
  reason: string | null;
  amountMinor?: number;
  claimedMinor?: number;
  /** The claim-level feedback row that carries a request for information (the card shows it once). */
  feedbackId?: string;
};
export type UploadRequestView = { id: string; assigneeId: string; assigneeName: string; kind: DocumentKind; message: string; dueAt: Date };

export type ClaimDetail = {
  id: string;
  number: string;
  name: string;
  description: string;
  status: ClaimStatus;
  version: number;
  amountMinor: number;
  approvedMinor: number | null;
  currency: string;
  program: { id: string; name: string; code: string };
  location: { id: string; name: string; partnerId: string };
  allocationId: string;
  period: string;
  usageStart: string;
  usageEnd: string;
  claimingDeadline: string;
  activityType: {
    id: string;
    code: string;
    name: string;
    nameKo: string;
    proofGuidance: string;
    requiredMetrics: string[];
    requiresPreApproval: boolean;
  };
  activityStart: string;
  activityEnd: string;
  preApprovalId: string | null;
  surfaceSubItem: string | null;
  estimatedReach: number | null;
  owner: { id: string; name: string };
  /** The reviewer who owns the review (services/reviewWorkload.ts); null = nobody yet. */
  reviewer: { id: string; name: string } | null;
  submittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Active documents only, oldest first. */
  documents: DocumentView[];
  feedback: FeedbackView[];
  /** The latest few comments, newest first. */
  comments: CommentView[];
  commentCount: number;
  openUploadRequests: UploadRequestView[];
  /** Why the claim is where it is, oldest first: for a disputed claim the rejection, then the dispute. */
  decisions: DecisionView[];
  checklist: ChecklistItem[];
  allowedActions: ClaimAction[];
  viewerRole: ViewerRole;
  /** Entra object ids of the people whose copy of a shared card refreshes to their own view (owner, contributors, askees, reviewers; ≤ 60). */
  participantAadIds?: string[];
  /** Conversations already holding this claim's card, which a change updates in place (bot/cardUpdates.ts). */
  detailCardConversationIds?: string[];
};

export type AllocationOption = {
  allocationId: string;
  locationId: string;
  locationName: string;
  partnerId: string;
  programId: string;
  programName: string;
  programCode: string;
  /** Surface programs: the claim must name one of these. Empty = none needed. */
  subItems: string[];
  period: string;
  usageStart: string;
  usageEnd: string;
  claimingDeadline: string;
  currency: string;
  earnedMinor: number;
  remainingMinor: number;
};

export type ActivityTypeOption = {
  id: string;
  code: string;
  name: string;
  nameKo: string;
  category: FundCategory;
  requiresPreApproval: boolean;
  requiredMetrics: string[];
  proofGuidance: string;
};

export type CreateOptions = { allocations: AllocationOption[]; activityTypes: ActivityTypeOption[] };

export type FundsRow = {
  allocationId: string;
  locationName: string;
  partnerId: string;
  programName: string;
  period: string;
  currency: string;
  earnedMinor: number;
  claimedMinor: number;
  approvedMinor: number;
  /** What can still be claimed: earned − claimed while the claiming window is open, else 0. */
  remainingMinor: number;
  /** What the closed window left unclaimed (forfeited): earned − claimed once the deadline passed, else 0. */
  expiredMinor: number;
  claimingDeadline: string;
  windowOpen: boolean;
};

export type FundsTotals = {
  currency: string;
  earnedMinor: number;
  claimedMinor: number;
  approvedMinor: number;
  /** Claimable now: open windows only. */
  remainingMinor: number;
  /** Left unclaimed in windows already closed: never added to what remains. */
  expiredMinor: number;
};

export type ClaimSummary = {
  id: string;
  number: string;
  name: string;
  amountMinor: number;
  approvedMinor: number | null;
  currency: string;
  updatedAt: Date;
  ownerName: string;
};

/** What an admin may narrow the organisation's claims to; `selected` echoes the filter applied. */
export type OverviewFilters = {
  locations: Array<{ id: string; name: string }>;
  programs: Array<{ id: string; name: string }>;
  owners: Array<{ id: string; name: string }>;
  selected: { locationId?: string; programId?: string; ownerId?: string };
};

export type FundsOverview = {
  rows: FundsRow[];
  /** One entry per currency: amounts in different currencies are never added up. */
  totals: FundsTotals[];
  /**
   * Claims grouped by status in lifecycle order (empty groups left out), at most a few each with
   * `total` counting all: the actor's own, or for incentives and global admins the organisation's
   * claims in their scope (then `claimsScope` is 'organisation' and `filters` are offered).
   */
  myClaims: Array<{ status: ClaimStatus; claims: ClaimSummary[]; total: number }>;
  claimsScope: 'mine' | 'organisation';
  filters?: OverviewFilters;
};

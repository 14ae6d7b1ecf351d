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
  url: string | null;
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
  checklist: ChecklistItem[];
  allowedActions: ClaimAction[];
  viewerRole: ViewerRole;
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
  remainingMinor: number;
  claimingDeadline: string;
  windowOpen: boolean;
};

export type FundsTotals = { currency: string; earnedMinor: number; claimedMinor: number; approvedMinor: number; remainingMinor: number };

export type ClaimSummary = {
  id: string;
  number: string;
  name: string;
  amountMinor: number;
  approvedMinor: number | null;
  currency: string;
  updatedAt: Date;
};

export type FundsOverview = {
  rows: FundsRow[];
  /** One entry per currency: amounts in different currencies are never added up. */
  totals: FundsTotals[];
  /** The actor's own claims, grouped by status in lifecycle order; empty groups are left out. */
  myClaims: Array<{ status: ClaimStatus; claims: ClaimSummary[] }>;
};

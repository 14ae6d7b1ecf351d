import {
  renderAddDocument,
  renderApproveForm,
  renderAskColleague,
  renderExportReady,
  renderAssignReview,
  renderAskSent,
  renderClaimDetail,
  renderClaimDocuments,
  renderCommentForm,
  renderConfirmCancel,
  renderCreateClaim,
  renderEditClaim,
  renderDisputeForm,
  renderError,
  renderFileElsewhere,
  renderFilePrompt,
  renderFileReceived,
  renderHistory,
  renderMessage,
  renderNotification,
  renderOverview,
  renderRejectForm,
  renderRequestInfoForm,
  renderReviewQueue,
  renderUploadRequest,
  renderWelcome,
  renderOrganisation,
  renderMember,
  renderRenameForm,
  renderLocationForm,
  renderFundsPrompt,
  renderFundsPreview,
  renderAllocationPick,
  renderAllocationForm,
  type AdaptiveCard,
  type ClaimDetailView,
  type CreateClaimView,
  type HistoryView,
  type NotificationView,
  type OverviewView,
  type UploadRequestView,
} from '../../cards';
import { editingClaim, ids, KEY, reviewerClaim } from './fixtures';
import type { OrganisationCardView } from '../../cards';
import type { FundsImportPreview } from '../../services/fundsImport';

const claimRef = { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series', version: 7 };

export const createView = (over: Partial<CreateClaimView> = {}): CreateClaimView => ({
  allocations: [
    {
      allocationId: ids.allocation,
      locationName: 'Contoso Korea',
      partnerId: '4812345',
      programName: 'CSP Indirect Reseller',
      subItems: [],
      period: 'FY26-H2',
      currency: 'USD',
      remainingMinor: 2500000,
    },
    {
      allocationId: 'a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d',
      locationName: 'Contoso Busan',
      partnerId: '4812399',
      programName: 'Surface',
      subItems: ['ADD-HUB', 'ADD-PC', 'ADR-HUB'],
      period: 'FY26-H2',
      currency: 'KRW',
      remainingMinor: 1200000000,
    },
  ],
  activityTypes: [
    {
      id: ids.activity,
      name: 'Customer seminars / bootcamps',
      nameKo: '고객 세미나 / 부트캠프',
      category: 'MARKET_DEVELOPMENT',
      requiresPreApproval: false,
    },
    {
      id: 'c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f',
      name: 'TV / radio',
      nameKo: 'TV / 라디오',
      category: 'DEMAND_GENERATION',
      requiresPreApproval: true,
    },
    {
      id: 'd1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a',
      name: 'Microsoft exams and tuition',
      nameKo: 'Microsoft 시험 및 교육비',
      category: 'PARTNER_SKILLING',
      requiresPreApproval: false,
    },
  ],
  idempotencyKey: KEY,
  ...over,
});

export const overviewView: OverviewView = {
  rows: [
    {
      allocationId: ids.allocation,
      locationName: 'Contoso Korea',
      partnerId: '4812345',
      programName: 'CSP Indirect Reseller',
      period: 'FY26-H2',
      currency: 'USD',
      earnedMinor: 4000000,
      claimedMinor: 1500000,
      approvedMinor: 500000,
      remainingMinor: 2500000,
      claimingDeadline: '2026-08-14',
      windowOpen: true,
    },
    {
      allocationId: 'x2',
      locationName: 'Contoso Busan',
      partnerId: '4812399',
      programName: 'Surface',
      period: 'FY27-H1',
      currency: 'KRW',
      earnedMinor: 1500000000,
      claimedMinor: 0,
      approvedMinor: 0,
      remainingMinor: 1500000000,
      claimingDeadline: '2027-02-14',
      windowOpen: false,
    },
  ],
  totals: [
    { currency: 'USD', earnedMinor: 4000000, claimedMinor: 1500000, approvedMinor: 500000, remainingMinor: 2500000 },
    { currency: 'KRW', earnedMinor: 1500000000, claimedMinor: 0, approvedMinor: 0, remainingMinor: 1500000000 },
  ],
  myClaims: [
    {
      status: 'EDITING',
      claims: [
        {
          id: ids.claim,
          number: 'CLM-2026-00042',
          name: 'Spring cloud webinar series',
          amountMinor: 1250050,
          currency: 'USD',
          approvedMinor: null,
          updatedAt: new Date('2026-11-20T09:00:00Z'),
        },
      ],
    },
    {
      status: 'APPROVED',
      claims: [
        {
          id: 'c-2',
          number: 'CLM-2026-00017',
          name: 'Winter print ads',
          amountMinor: 500000,
          currency: 'USD',
          approvedMinor: 450000,
          updatedAt: new Date('2026-10-02T09:00:00Z'),
        },
      ],
    },
  ],
};

/** An incentives admin's overview: a closed period that left funds unclaimed, the organisation's claims, a filter applied. */
export const adminOverview: OverviewView = {
  rows: [
    { ...overviewView.rows[0]!, expiredMinor: 0 },
    {
      ...overviewView.rows[0]!,
      allocationId: 'x3',
      period: 'FY26-H1',
      claimingDeadline: '2026-02-14',
      windowOpen: false,
      claimedMinor: 800000,
      approvedMinor: 800000,
      remainingMinor: 0,
      expiredMinor: 3200000,
    },
  ],
  totals: [{ ...overviewView.totals[0]!, earnedMinor: 8000000, claimedMinor: 2300000, approvedMinor: 1300000, expiredMinor: 3200000 }],
  myClaims: [
    {
      status: 'SUBMITTED',
      total: 12,
      claims: [
        {
          id: ids.claim,
          number: 'CLM-2026-00042',
          name: 'Spring cloud webinar series',
          amountMinor: 1250050,
          currency: 'USD',
          updatedAt: '2026-11-20T09:00:00Z',
          ownerName: 'Alex Wilber',
        },
      ],
    },
  ],
  claimsScope: 'organisation',
  filters: {
    locations: [{ id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Contoso Korea' }],
    programs: [{ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'CSP Indirect Reseller' }],
    owners: [
      { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'Alex Wilber' },
      { id: 'a1b2c3d4-0000-4000-8000-000000000004', name: 'Megan Bowen' },
    ],
    selected: { ownerId: 'a1b2c3d4-0000-4000-8000-000000000003' },
  },
};

export const historyView: HistoryView = {
  claim: { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' },
  items: [
    {
      id: '41',
      type: 'information_requested',
      summary: 'Information requested',
      actorName: 'Patti Fernandez',
      actorKind: 'REVIEWER',
      data: { message: 'Please add the attendee list.' },
      statusBefore: 'IN_REVIEW',
      statusAfter: 'ACTION_REQUIRED',
      at: '2026-04-03T09:00:00Z',
    },
    {
      id: '40',
      type: 'feedback_given',
      summary: 'Feedback on proof',
      actorName: 'Patti Fernandez',
      actorKind: 'REVIEWER',
      data: { text: 'The Microsoft logo is not visible.', documentKind: 'PROOF', documentName: 'invitation.png' },
      statusBefore: null,
      statusAfter: null,
      at: '2026-04-02T08:00:00Z',
    },
    {
      id: '39b',
      type: 'upload_requested',
      summary: 'Asked Isaiah Langer to upload METRIC',
      actorName: 'Alex Wilber',
      actorKind: 'USER',
      data: { assigneeName: 'Isaiah Langer', kind: 'METRIC', message: 'Registered guests, please.', dueDate: '2026-04-05' },
      statusBefore: null,
      statusAfter: null,
      at: '2026-04-01T09:00:00Z',
    },
    {
      id: '39',
      type: 'review_started',
      summary: 'Review started',
      actorName: 'Patti Fernandez',
      actorKind: 'REVIEWER',
      data: {},
      statusBefore: 'SUBMITTED',
      statusAfter: 'IN_REVIEW',
      at: '2026-04-01T08:00:00Z',
    },
    {
      id: '38',
      type: 'document_added',
      summary: 'INVOICE INV-1042.pdf added',
      actorName: 'Alex Wilber',
      actorKind: 'USER',
      data: { kind: 'INVOICE', fileName: 'INV-1042.pdf' },
      statusBefore: null,
      statusAfter: null,
      at: '2026-03-26T09:15:00Z',
    },
    {
      id: '37',
      type: 'expiry_warning_sent',
      summary: 'Expiry warning sent',
      actorName: null,
      actorKind: 'SYSTEM',
      data: {},
      statusBefore: null,
      statusAfter: null,
      at: '2026-03-25T00:00:00Z',
    },
  ],
  nextCursor: '37',
};

export const uploadRequestView = (over: Partial<UploadRequestView> = {}): UploadRequestView => ({
  id: ids.uploadRequest,
  status: 'OPEN',
  requesterName: 'Alex Wilber',
  claim: {
    id: ids.claim,
    number: 'CLM-2026-00042',
    name: 'Spring cloud webinar series',
    amountMinor: 1250050,
    currency: 'USD',
    programName: 'CSP Indirect Reseller',
    locationName: 'Contoso Korea',
  },
  kind: 'METRIC',
  message: 'Could you send the registered guest count from the webinar tool?',
  dueAt: '2026-04-05T17:00:00Z',
  idempotencyKey: KEY,
  ...over,
});

const base = { claimId: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' };
export const notifications: NotificationView[] = [
  { ...base, kind: 'status_changed', from: 'IN_REVIEW', to: 'APPROVED', byName: 'Patti Fernandez', amountMinor: 1000000, currency: 'USD' },
  {
    ...base,
    kind: 'status_changed',
    from: 'IN_REVIEW',
    to: 'REJECTED',
    byName: 'Patti Fernandez',
    reason: 'The activity is not eligible for co-op.',
  },
  {
    ...base,
    kind: 'status_changed',
    from: 'IN_REVIEW',
    to: 'ACTION_REQUIRED',
    byName: 'Patti Fernandez',
    reason: 'Please add the attendee list.',
  },
  {
    ...base,
    kind: 'feedback',
    feedbackId: ids.feedback,
    documentId: ids.proof,
    documentLabel: 'Proof: invitation.png',
    text: 'The Microsoft logo is not visible.',
    byName: 'Patti Fernandez',
  },
  {
    ...base,
    kind: 'upload_requested',
    uploadRequestId: ids.uploadRequest,
    documentKind: 'METRIC',
    message: 'Registered guests, please.',
    dueAt: '2026-04-05T17:00:00Z',
    byName: 'Alex Wilber',
  },
  { ...base, kind: 'upload_fulfilled', uploadRequestId: ids.uploadRequest, documentKind: 'METRIC', byName: 'Isaiah Langer' },
  { ...base, kind: 'upload_reached', uploadRequestId: ids.uploadRequest, documentKind: 'INVOICE', assigneeName: 'Isaiah Langer' },
  {
    ...base,
    kind: 'status_changed',
    from: 'IN_REVIEW',
    to: 'ACTION_REQUIRED',
    byName: 'Patti Fernandez',
    reason: 'Please add the attendee list.',
    audience: 'colleague',
  },
  { ...base, kind: 'review_needed', status: 'DISPUTED', reason: 'The seminar ran inside the usage period.' },
  {
    ...base,
    kind: 'upload_declined',
    uploadRequestId: ids.uploadRequest,
    documentKind: 'INVOICE',
    reason: 'I do not have access to finance records.',
    byName: 'Isaiah Langer',
  },
  { ...base, kind: 'upload_cancelled', uploadRequestId: ids.uploadRequest, documentKind: 'PROOF', byName: 'Alex Wilber' },
  { ...base, kind: 'upload_reminder', uploadRequestId: ids.uploadRequest, documentKind: 'METRIC', dueAt: '2026-04-05T17:00:00Z' },
  { ...base, kind: 'file_prompt', documentKind: 'INVOICE', expiresAt: '2026-03-26T10:15:00Z', maxMb: 25 },
  { ...base, kind: 'expiry_warning', deadline: '2026-08-14' },
  { ...base, kind: 'review_needed', status: 'SUBMITTED' },
  { ...base, kind: 'review_assigned', status: 'IN_REVIEW', byName: 'Patti Fernandez' },
  {
    ...base,
    kind: 'review_reminder',
    owned: {
      count: 7,
      claims: [1, 2, 3, 4, 5].map((i) => ({
        claimId: `c${i}`,
        number: `CLM-2026-0004${i}`,
        name: `Campaign ${i}`,
        status: 'IN_REVIEW',
        ageBusinessDays: 3 + i,
        targetBusinessDays: 2,
      })),
    },
    unassigned: {
      count: 1,
      claims: [{ claimId: 'c9', number: 'CLM-2026-00049', name: 'Dispute', status: 'DISPUTED', ageBusinessDays: 6, targetBusinessDays: 5 }],
    },
  },
  {
    ...base,
    kind: 'review_reminder',
    owned: { count: 0, claims: [] },
    unassigned: {
      count: 1,
      claims: [
        {
          claimId: ids.claim,
          number: 'CLM-2026-00042',
          name: 'Spring cloud webinar series',
          status: 'SUBMITTED',
          ageBusinessDays: 3,
          targetBusinessDays: 2,
        },
      ],
    },
  },
  { ...base, kind: 'review_escalated', status: 'DISPUTED', ageBusinessDays: 11, targetBusinessDays: 5, reviewerName: 'Nestor Wilke' },
];

/** `n` proofs like the fixture's, each its own document (a trade show's photos). */
export function manyProofs(n: number): ClaimDetailView['documents'] {
  const proof = editingClaim().documents[1]!;
  return Array.from({ length: n }, (_, i) => ({
    ...proof,
    id: `d${String(i).padStart(7, '0')}-4e5f-4a6b-9c8d-7e6f5a4b3c2d`,
    details: `${proof.details} (photo ${i + 1})`,
    fileName: `photo-${i + 1}.jpg`,
  }));
}

/** A rejection and the partner's dispute of it, as a disputed claim's card shows them. */
export const disputeDecisions: NonNullable<ClaimDetailView['decisions']> = [
  {
    kind: 'rejected',
    byName: 'Patti Fernandez',
    at: '2026-04-03T09:00:00Z',
    reason: 'The seminar ran before the usage period started.',
  },
  {
    kind: 'disputed',
    byName: 'Alex Wilber',
    at: '2026-04-04T10:00:00Z',
    reason: 'The seminar ran on 2 March, inside the usage period: see the agenda.',
  },
];

/** Every card of the product with realistic data, by name. */
export function allCards(locale: string): Array<[string, AdaptiveCard]> {
  const form = { claim: claimRef, idempotencyKey: KEY };
  return [
    ['welcome', renderWelcome({ userName: 'Alex', isReviewer: true }, locale)],
    ['createClaim', renderCreateClaim(createView(), locale)],
    [
      'editClaim',
      renderEditClaim(
        {
          claim: {
            ...claimRef,
            description: 'Three webinars',
            amountMinor: 1250050,
            currency: 'USD',
            activityStart: '2026-03-02',
            activityEnd: '2026-03-20',
            surfaceSubItem: 'ADD-PC',
            preApprovalId: null,
            estimatedReach: 1200,
          },
          subItems: ['ADD-HUB', 'ADD-PC', 'ADR-HUB'],
          idempotencyKey: KEY,
        },
        locale,
      ),
    ],
    ['createClaim (no funds)', renderCreateClaim(createView({ allocations: [] }), locale)],
    ['claimDetail (partner, editing)', renderClaimDetail(editingClaim({ note: 'changed' }), locale)],
    ['claimDetail (reviewer)', renderClaimDetail(reviewerClaim(), locale, { timeZone: 'Asia/Seoul' })],
    [
      'claimDetail (approved)',
      renderClaimDetail(
        editingClaim({
          status: 'APPROVED',
          approvedMinor: 1000000,
          allowedActions: ['history', 'comment'],
          documents: [],
          feedback: [],
          comments: [],
          openUploadRequests: [],
        }),
        locale,
      ),
    ],
    [
      'claimDetail (disputed, reviewer)',
      renderClaimDetail({ ...reviewerClaim(), status: 'DISPUTED', decisions: disputeDecisions }, locale, { timeZone: 'Asia/Seoul' }),
    ],
    [
      'claimDocuments (reviewer, page 2 of 3)',
      renderClaimDocuments(
        {
          claim: claimRef,
          kind: 'PROOF',
          documents: manyProofs(25),
          page: 2,
          allowedActions: reviewerClaim().allowedActions,
          idempotencyKey: KEY,
          note: 'documentAccepted',
        },
        locale,
        { timeZone: 'Asia/Seoul' },
      ),
    ],
    [
      'claimDocuments (partner, none)',
      renderClaimDocuments(
        { claim: claimRef, kind: 'METRIC', documents: [], page: 1, allowedActions: editingClaim().allowedActions, idempotencyKey: KEY },
        locale,
      ),
    ],
    ...(['INVOICE', 'PROOF', 'METRIC', 'CSR', 'ADDITIONAL_INFO'] as const).map(
      (kind) =>
        [
          `addDocument ${kind}`,
          renderAddDocument(
            {
              kind,
              claim: { ...claimRef, currency: 'USD' },
              idempotencyKey: KEY,
              requiredMetrics: ['Registered guests'],
              proofGuidance: 'Invitation, agenda and event photos',
            },
            locale,
          ),
        ] as [string, AdaptiveCard],
    ),
    [
      'addDocument PROOF (colleague answering a request)',
      renderAddDocument(
        {
          kind: 'PROOF',
          claim: { ...claimRef, currency: 'USD' },
          idempotencyKey: KEY,
          proofGuidance: 'Invitation, agenda and event photos',
          request: { requesterName: 'Alex Wilber', message: 'Photos of the booth, please' },
        },
        locale,
      ),
    ],
    [
      'addDocument ADDITIONAL_INFO (colleague answering a request)',
      renderAddDocument(
        {
          kind: 'ADDITIONAL_INFO',
          claim: { ...claimRef, currency: 'USD' },
          idempotencyKey: KEY,
          request: { requesterName: 'Alex Wilber', message: 'The attendee list' },
        },
        locale,
      ),
    ],
    ['filePrompt', renderFilePrompt({ claim: claimRef, kind: 'INVOICE', expiresAt: '2026-03-26T10:15:00Z', maxMb: 25 }, locale)],
    ['fileElsewhere (sent)', renderFileElsewhere({ claim: claimRef, kind: 'INVOICE', userName: 'Alex Wilber', sent: true }, locale)],
    ['fileElsewhere (no 1:1 chat)', renderFileElsewhere({ claim: claimRef, kind: 'PROOF', userName: 'Megan Bowen', sent: false }, locale)],
    ['fileReceived', renderFileReceived({ claim: claimRef, kind: 'INVOICE', fileName: 'INV-1042.pdf' }, locale)],
    ['comment', renderCommentForm(form, locale)],
    ['dispute', renderDisputeForm({ ...form, decisions: disputeDecisions.slice(0, 1) }, locale)],
    ['requestInfo', renderRequestInfoForm(form, locale)],
    ['approve', renderApproveForm({ ...form, amountMinor: 1250050, currency: 'USD' }, locale)],
    ['reject', renderRejectForm(form, locale)],
    ['confirmCancel', renderConfirmCancel(form, locale)],
    ['overview', renderOverview(overviewView, locale)],
    ['overview (empty)', renderOverview({ rows: [], totals: [], myClaims: [] }, locale)],
    ['overview (admin, filtered)', renderOverview(adminOverview, locale)],
    ['history', renderHistory(historyView, locale)],
    ['history (empty)', renderHistory({ claim: historyView.claim, items: [], nextCursor: null }, locale)],
    [
      'askColleague (graph)',
      renderAskColleague(
        {
          claim: claimRef,
          idempotencyKey: KEY,
          pickerDataset: 'graph',
          colleagues: [{ id: ids.colleague, name: 'Isaiah Langer' }],
          today: '2026-03-26',
        },
        locale,
      ),
    ],
    [
      'askColleague (search)',
      renderAskColleague({ claim: claimRef, idempotencyKey: KEY, pickerDataset: 'colleagues', colleagues: [] }, locale),
    ],
    ['uploadRequest (open)', renderUploadRequest(uploadRequestView(), locale)],
    [
      'uploadRequest (declined)',
      renderUploadRequest(uploadRequestView({ status: 'DECLINED', declineReason: 'No access to the webinar tool.' }), locale),
    ],
    ['uploadRequest (fulfilled)', renderUploadRequest(uploadRequestView({ status: 'FULFILLED' }), locale)],
    ['uploadRequest (cancelled)', renderUploadRequest(uploadRequestView({ status: 'CANCELLED' }), locale)],
    [
      'askSent',
      renderAskSent({ claimId: ids.claim, assigneeName: 'Isaiah Langer', kind: 'METRIC', dueAt: '2026-04-05', reachable: true }, locale),
    ],
    [
      'askSent (unreachable)',
      renderAskSent({ claimId: ids.claim, assigneeName: 'Isaiah Langer', kind: 'METRIC', dueAt: '2026-04-05', reachable: false }, locale),
    ],
    ...notifications.map((n, i) => [`notification ${n.kind} #${i}`, renderNotification(n, locale)] as [string, AdaptiveCard]),
    [
      'notification role_granted',
      renderNotification(
        {
          kind: 'role_granted',
          role: 'INCENTIVES_USER',
          byName: 'Megan Bowen',
          organisationName: 'Contoso Partners',
          scope: 'Contoso Seoul',
        },
        locale,
      ),
    ],
    [
      'reviewQueue',
      renderReviewQueue(
        {
          items: [
            {
              claimId: 'q2',
              number: 'CLM-2026-00050',
              name: 'Print ads',
              status: 'DISPUTED',
              locationName: 'Contoso Korea',
              programName: 'CSP',
              amountMinor: 300000,
              currency: 'USD',
              waitingSince: '2026-03-30T00:00:00Z',
              ageBusinessDays: 3,
              targetBusinessDays: 5,
            },
            {
              claimId: ids.claim,
              number: 'CLM-2026-00042',
              name: 'Spring cloud webinar series',
              status: 'SUBMITTED',
              locationName: 'Contoso Korea',
              programName: 'CSP',
              amountMinor: 1250050,
              currency: 'USD',
              waitingSince: '2026-03-27T00:00:00Z',
              ageBusinessDays: 4,
              targetBusinessDays: 2,
            },
          ],
        },
        locale,
      ),
    ],
    ['reviewQueue (empty)', renderReviewQueue({ items: [] }, locale)],
    [
      'reviewQueue (filtered, page 2 of 3)',
      renderReviewQueue(
        {
          items: [
            {
              claimId: ids.claim,
              number: 'CLM-2026-00042',
              name: 'Spring cloud webinar series',
              status: 'IN_REVIEW',
              organisationName: 'Contoso Partners',
              locationName: 'Contoso Korea',
              programName: 'CSP',
              amountMinor: 1250050,
              currency: 'USD',
              waitingSince: '2026-03-20T00:00:00Z',
              ageBusinessDays: 7,
              targetBusinessDays: 2,
              reviewer: { id: ids.claim, name: 'Patti Fernandez' },
            },
            {
              claimId: 'q3',
              number: 'CLM-2026-00051',
              name: 'Partner summit booth',
              status: 'SUBMITTED',
              organisationName: 'Fabrikam',
              programName: 'CSP',
              amountMinor: 90000,
              currency: 'USD',
              waitingSince: '2026-03-25T00:00:00Z',
              ageBusinessDays: 3,
              targetBusinessDays: 2,
              reviewer: null,
            },
          ],
          total: 23,
          page: 2,
          pageCount: 3,
          filter: { owner: 'all', age: 'overdue', programId: ids.allocation },
          options: { organisations: [{ id: ids.activity, name: 'Contoso Partners' }], programs: [{ id: ids.allocation, name: 'CSP' }] },
        },
        locale,
      ),
    ],
    [
      'exportReady (claim)',
      renderExportReady(
        {
          kind: 'claim',
          claim: claimRef,
          url: 'https://claims.example.com/exports/claim/x/y/1767225600/sig',
          expiresAt: '2026-04-02T09:00:00Z',
        },
        locale,
      ),
    ],
    [
      'exportReady (claims)',
      renderExportReady(
        {
          kind: 'claims',
          organisationName: 'Contoso Partners',
          claimCount: 128,
          url: 'https://claims.example.com/exports/claims/x/y/1767225600/sig',
          expiresAt: '2026-04-02T09:00:00Z',
        },
        locale,
      ),
    ],
    [
      'assignReview',
      renderAssignReview(
        {
          claim: claimRef,
          reviewerName: 'Patti Fernandez',
          reviewers: [
            { id: ids.claim, name: 'Patti Fernandez (pattif@example.com)' },
            { id: ids.activity, name: 'Nestor Wilke' },
          ],
          pickerDataset: 'reviewers',
          idempotencyKey: KEY,
        },
        locale,
      ),
    ],
    ['message', renderMessage({ title: 'Saved', text: 'Your changes were saved.', claimId: ids.claim }, locale)],
    [
      'error',
      renderError({ kind: 'conflict', code: 'stale_version' }, locale, {
        retry: { verb: 'claim.submit', data: { claimId: ids.claim, version: 7 } },
      }),
    ],
    // Administration
    ['welcome (admin)', renderWelcome({ userName: 'Dana', isAdmin: true, isPartner: true, organisationName: 'Fabrikam' }, locale)],
    [
      'welcome (no role)',
      renderWelcome(
        { userName: 'Eli', organisationName: 'Fabrikam', noRole: { organisationSetUp: true, admins: ['Dana Admin'], openRequests: 0 } },
        locale,
      ),
    ],
    [
      'welcome (not set up)',
      renderWelcome({ organisationName: 'Organisation 7a1b', noRole: { organisationSetUp: false, admins: [], openRequests: 0 } }, locale),
    ],
    ['organisation', renderOrganisation(ORGANISATION, locale)],
    [
      'organisation (review team)',
      renderOrganisation({ ...ORGANISATION, isReviewOrganisation: true, locations: [], note: { text: 'Saved.', tone: 'good' } }, locale),
    ],
    [
      'member',
      renderMember(
        {
          member: ORGANISATION.members[0]!,
          isReviewOrganisation: false,
          grantableRoles: ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER'],
          locations: [{ id: ids.claim, name: 'Fabrikam Lyon' }],
          programs: [{ id: ids.claim, name: 'Surface' }],
          pickerDataset: '',
          people: [],
          note: { text: 'Refused', tone: 'attention' },
        },
        locale,
      ),
    ],
    [
      'member (new, picker)',
      renderMember(
        {
          member: null,
          isReviewOrganisation: true,
          grantableRoles: ['GLOBAL_ADMIN', 'REVIEWER'],
          locations: [],
          programs: [],
          pickerDataset: 'colleagues',
          people: [{ id: `user:${ids.colleague}`, name: 'Rita Reviewer' }],
          errors: { userId: 'Choose a person.' },
        },
        locale,
      ),
    ],
    ['rename form', renderRenameForm({ name: 'Fabrikam' }, locale)],
    [
      'location form (edit, inactive)',
      renderLocationForm(
        { location: { id: ids.claim, partnerId: '8800001', name: 'Lyon', country: 'FR', active: false }, canEdit: true },
        locale,
      ),
    ],
    [
      'location form (add, errors)',
      renderLocationForm({ location: null, canEdit: true, values: { partnerId: '12' }, errors: { partnerId: 'Digits only' } }, locale),
    ],
    [
      'funds prompt',
      renderFundsPrompt(
        {
          templateUrl: 'https://bot.example/templates/funds/x/1/s',
          minutes: 30,
          maxRows: 10000,
          maxMb: 10,
          columns: ['PartnerID', 'Program'],
        },
        locale,
      ),
    ],
    ['funds preview', renderFundsPreview(PREVIEW, locale)],
    ['funds preview (applied)', renderFundsPreview({ ...PREVIEW, status: 'APPLIED', refusals: [] }, locale)],
    ['allocation pick', renderAllocationPick({ allocations: [ALLOCATION] }, locale)],
    ['allocation pick (none)', renderAllocationPick({ allocations: [] }, locale)],
    ['allocation form', renderAllocationForm({ allocation: ALLOCATION, errors: { earnedAmount: 'Too low' } }, locale)],
  ];
}

const ALLOCATION = {
  allocationId: ids.claim,
  locationName: 'Fabrikam Lyon',
  partnerId: '8800001',
  programName: 'Surface',
  period: 'FY27-H2',
  currency: 'EUR',
  earnedMinor: 50_000,
  claimedMinor: 20_000,
  claimingDeadline: '2027-08-14',
};

const ORGANISATION: OrganisationCardView = {
  id: ids.claim,
  name: 'Fabrikam Partners',
  isReviewOrganisation: false,
  templateUrl: 'https://bot.example/templates/funds/x/1/s',
  viewer: {
    isGlobalAdmin: true,
    canManageLocations: true,
    canManageFunds: true,
    grantableRoles: ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER'],
  },
  locations: [
    { id: ids.claim, partnerId: '8800001', name: 'Fabrikam Lyon', country: 'FR', active: true, manageable: true },
    { id: ids.colleague, partnerId: '8800002', name: 'Fabrikam Seoul', country: 'KR', active: false, manageable: true },
  ],
  members: [
    {
      userId: ids.colleague,
      displayName: 'Dana Admin',
      email: 'dana@fabrikam.example',
      isMe: true,
      roles: [
        { id: ids.claim, role: 'GLOBAL_ADMIN', locationId: null, locationName: null, programId: null, programName: null, revocable: false },
        {
          id: ids.colleague,
          role: 'INCENTIVES_USER',
          locationId: ids.claim,
          locationName: 'Fabrikam Lyon',
          programId: null,
          programName: null,
          revocable: true,
        },
      ],
    },
  ],
  withoutRole: [{ userId: ids.claim, displayName: 'Eli Staff', email: null }],
  programs: [{ id: ids.claim, code: 'SURFACE', name: 'Surface' }],
  recentChanges: [
    {
      id: '2',
      at: '2026-11-28T10:00:00Z' as unknown as Date,
      actorName: 'Dana Admin',
      type: 'role_granted',
      data: { userName: 'Eli Staff', role: 'INCENTIVES_USER', locationName: 'Fabrikam Lyon' },
    },
    {
      id: '1',
      at: '2026-11-28T09:00:00Z' as unknown as Date,
      actorName: null,
      type: 'admin_recognised',
      data: { userName: 'Dana Admin', source: 'directory' },
    },
  ],
};

const PREVIEW: FundsImportPreview = {
  importId: ids.claim,
  fileName: 'funds.csv',
  status: 'PREVIEW',
  counts: { new: 1, changed: 1, unchanged: 3, refused: 22 },
  changes: [
    {
      row: 2,
      partnerId: '8800001',
      locationId: ids.claim,
      locationName: 'Fabrikam Lyon',
      programId: ids.claim,
      programName: 'Surface',
      period: 'FY27-H2',
      usageStart: '2027-01-01',
      usageEnd: '2027-06-30',
      earnedMinor: 50_000,
      currency: 'EUR',
      claimingDeadline: '2027-08-14',
      action: 'new',
      allocationId: null,
      before: null,
    },
    {
      row: 3,
      partnerId: '8800001',
      locationId: ids.claim,
      locationName: 'Fabrikam Lyon',
      programId: ids.claim,
      programName: 'Hosting',
      period: 'FY27-H2',
      usageStart: '2027-01-01',
      usageEnd: '2027-06-30',
      earnedMinor: 80_000,
      currency: 'EUR',
      claimingDeadline: '2027-08-14',
      action: 'changed',
      allocationId: ids.claim,
      before: { earnedMinor: 70_000, currency: 'EUR', claimingDeadline: '2027-08-14' },
    },
  ],
  refusals: [
    { row: 4, column: 'earnedAmount', code: 'amount_decimals', params: { value: '1.005' } },
    { row: 5, column: null, code: 'duplicate_row', params: { first: 2 } },
    { row: 6, column: 'earnedAmount', code: 'below_claimed', params: { claimedMinor: 1000, approvedMinor: 0, currency: 'EUR' } },
  ],
};

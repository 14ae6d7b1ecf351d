import type { ClaimDetailView } from '../../cards/claimDetail';

/** Realistic sample data for card tests (ids look like the uuids the services use). */
export const ids = {
  claim: '6f1c1a52-8a0e-4f43-9d7e-2b3c4d5e6f70',
  allocation: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
  activity: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  invoice: 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f',
  proof: 'd3e4f5a6-b7c8-4d9e-8f1a-2b3c4d5e6f70',
  metric: 'e4f5a6b7-c8d9-4e0f-9a2b-3c4d5e6f7081',
  feedback: 'f5a6b7c8-d9e0-4f1a-8b3c-4d5e6f708192',
  uploadRequest: '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d',
  colleague: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
};
export const KEY = '9d3f7c2e-1b4a-4e8f-a6d5-c0b9e8f7a6d5';

export function editingClaim(over: Partial<ClaimDetailView> = {}): ClaimDetailView {
  return {
    id: ids.claim,
    number: 'CLM-2026-00042',
    name: 'Spring cloud webinar series',
    description: 'Three webinars on Microsoft 365 Copilot for SMB customers in Seoul and Busan.',
    status: 'EDITING',
    version: 7,
    amountMinor: 1250050,
    approvedMinor: null,
    currency: 'USD',
    program: { name: 'CSP Indirect Reseller' },
    location: { name: 'Contoso Korea', partnerId: '4812345' },
    period: 'FY26-H2',
    usageStart: '2026-01-01',
    usageEnd: '2026-06-30',
    claimingDeadline: '2026-08-14',
    activityType: { name: 'Customer seminars / bootcamps', nameKo: '고객 세미나 / 부트캠프' },
    activityStart: '2026-03-02',
    activityEnd: '2026-03-20',
    preApprovalId: null,
    surfaceSubItem: null,
    estimatedReach: 1200,
    owner: { name: 'Alex Wilber' },
    documents: [
      {
        id: ids.invoice,
        kind: 'INVOICE',
        details: 'Webinar platform licence and moderation',
        fileName: 'INV-1042.pdf',
        url: null,
        fields: { vendor: 'Fabrikam Events', invoiceNumber: 'INV-1042', invoiceDate: '2026-03-25', amountMinor: 800000, currency: 'USD' },
        uploaderName: 'Alex Wilber',
        createdAt: new Date('2026-03-26T09:15:00Z'),
        reviewState: 'PENDING',
        openFeedback: [],
      },
      {
        id: ids.proof,
        kind: 'PROOF',
        details: 'Invitation email showing Contoso branding and Microsoft Copilot content',
        fileName: 'invitation.png',
        url: 'https://contoso.example/webinar (spring)',
        fields: {},
        uploaderName: 'Isaiah Langer',
        createdAt: '2026-03-27T10:00:00Z',
        reviewState: 'NEEDS_FIX',
        openFeedback: [
          {
            id: ids.feedback,
            text: 'The Microsoft logo is not visible; please add the full email.',
            reviewerName: 'Patti Fernandez',
            createdAt: '2026-04-02T08:00:00Z',
          },
        ],
      },
    ],
    feedback: [
      {
        id: ids.feedback,
        text: 'The Microsoft logo is not visible; please add the full email.',
        reviewerName: 'Patti Fernandez',
        documentId: ids.proof,
        resolved: false,
        createdAt: '2026-04-02T08:00:00Z',
      },
    ],
    comments: [
      { id: 'c1', text: 'Attendee list comes from Isaiah on Friday.', authorName: 'Megan Bowen', createdAt: '2026-03-28T12:00:00Z' },
    ],
    commentCount: 1,
    openUploadRequests: [{ id: ids.uploadRequest, assigneeName: 'Isaiah Langer', kind: 'METRIC', dueAt: '2026-04-05T17:00:00Z' }],
    checklist: [
      { rule: 'invoice_or_csr', ok: true },
      { rule: 'proof_present', ok: true },
      { rule: 'proof_notes', ok: true },
      { rule: 'required_metric', ok: false, params: { name: 'Registered guests' } },
      { rule: 'within_remaining', ok: true, params: { remainingMinor: 2500000, currency: 'USD' } },
      { rule: 'before_deadline', ok: true, params: { deadline: '2026-08-14' } },
    ],
    allowedActions: [
      'edit',
      'add_invoice',
      'add_proof',
      'add_metric',
      'add_csr',
      'add_additional_info',
      'ask_colleague',
      'submit',
      'cancel',
      'comment',
      'history',
    ],
    viewerRole: 'partner',
    idempotencyKey: KEY,
    ...over,
  };
}

export function reviewerClaim(): ClaimDetailView {
  return editingClaim({
    status: 'IN_REVIEW',
    viewerRole: 'reviewer',
    allowedActions: ['review_document', 'request_information', 'approve', 'reject', 'comment', 'history'],
    checklist: [],
    refreshUserIds: ['29:1abc-partner', '29:1def-reviewer'],
  });
}

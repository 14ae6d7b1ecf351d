import { execute } from './actions';
import { renderFilePrompt } from './documentForms';
import { documentRefLabel } from './documentSummary';
import { formatDate, formatDueDate, formatMoney, statusTone } from './format';
import { renderNotice } from './notice';
import { hasKey, t, type StringKey } from './strings';
import { renderUploadRequest } from './uploadRequests';
import type { AdaptiveCard, DocumentKind, RenderOptions } from './types';

/**
 * 10. Outbox deliveries: one card per payload kind of services/notifications.ts, rendered in the
 * recipient's language at delivery time. Same shapes as that zod union (declared here, so cards/
 * does not depend on services/).
 */
type Base = { claimId: string; number: string; name: string };
export type Audience = 'partner' | 'reviewer' | 'colleague';
export type NotificationView =
  | (Base & {
      kind: 'status_changed';
      from: string;
      to: string;
      byName: string;
      amountMinor?: number;
      currency?: string;
      reason?: string;
      /** The reader's part in the claim (services/notifications.ts); absent on older rows = the partner. */
      audience?: Audience;
    })
  | (Base & {
      kind: 'feedback';
      feedbackId: string;
      documentId?: string;
      documentLabel?: string;
      documentKind?: string;
      documentName?: string;
      text: string;
      byName: string;
      audience?: Audience;
    })
  | (Base & { kind: 'upload_requested'; uploadRequestId: string; documentKind: string; message: string; dueAt: string; byName: string })
  | (Base & { kind: 'upload_reached'; uploadRequestId: string; documentKind: string; assigneeName: string })
  | (Base & { kind: 'upload_fulfilled'; uploadRequestId: string; documentKind: string; byName: string })
  | (Base & { kind: 'upload_declined'; uploadRequestId: string; documentKind: string; reason: string; byName: string })
  | (Base & { kind: 'upload_cancelled'; uploadRequestId: string; documentKind: string; byName: string })
  | (Base & { kind: 'upload_reminder'; uploadRequestId: string; documentKind: string; dueAt: string })
  | (Base & { kind: 'file_prompt'; documentKind: string; expiresAt: string; maxMb: number })
  | (Base & { kind: 'expiry_warning'; deadline: string })
  | (Base & { kind: 'review_needed'; status: string; reason?: string })
  | (Base & { kind: 'review_assigned'; status: string; byName: string })
  | (Base & { kind: 'review_reminder'; owned: ReviewDigestPart; unassigned: ReviewDigestPart })
  | (Base & { kind: 'review_escalated'; status: string; ageBusinessDays: number; targetBusinessDays: number; reviewerName?: string })
  | {
      kind: 'role_granted';
      role: 'GLOBAL_ADMIN' | 'INCENTIVES_ADMIN' | 'INCENTIVES_USER' | 'REVIEWER';
      byName: string;
      organisationName: string;
      scope?: string;
    };

/** Reviews past their target in the daily reminder: how many, and the oldest few. */
export type ReviewDigestPart = {
  count: number;
  claims: Array<{ claimId: string; number: string; name: string; status: string; ageBusinessDays: number; targetBusinessDays: number }>;
};

const statusLabel = (locale: string, s: string) => (hasKey(`status.${s}`) ? t(locale, `status.${s}` as StringKey) : s);
/** A kind named inside a sentence: lower-case in English ("uploaded the invoice you asked for"). */
const kindLabel = (locale: string, k: string) => (hasKey(`kindInline.${k}`) ? t(locale, `kindInline.${k}` as StringKey) : k);
const DOCUMENT_KINDS = new Set(['INVOICE', 'CSR', 'PROOF', 'METRIC', 'ADDITIONAL_INFO']);

/** The reason as the claim card labels it: a cut's reason, a dispute's argument, a request as written. */
function reasonLine(locale: string, status: string, reason: string): string {
  switch (status) {
    case 'ACTION_REQUIRED':
      return reason;
    case 'APPROVED':
      return t(locale, 'detail.decision.cut', { text: reason });
    case 'DISPUTED':
      return t(locale, 'detail.decision.argument', { text: reason });
    default:
      return t(locale, 'notify.status_changed.reason', { reason });
  }
}

export function renderNotification(
  n: NotificationView,
  locale: string,
  opts: RenderOptions & { idempotencyKey?: string } = {},
): AdaptiveCard {
  if (n.kind === 'role_granted') return renderRoleGranted(n, locale);
  const open = (focus?: string) => [execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: n.claimId, focus })];
  const ref = t(locale, 'common.claimRef', { number: n.number, name: n.name });
  switch (n.kind) {
    case 'status_changed': {
      const from = statusLabel(locale, n.from);
      const to = statusLabel(locale, n.to);
      const lines: Array<string | { text: string; tone?: 'good' | 'attention' }> = [
        t(locale, 'notify.status_changed.text', { by: n.byName, name: n.name, from, to }),
      ];
      if (n.to === 'APPROVED' && n.amountMinor !== undefined) {
        lines.push({
          text: t(locale, 'notify.status_changed.approved', { amount: formatMoney(n.amountMinor, n.currency ?? 'USD', locale) }),
          tone: 'good',
        });
      }
      // What happens next, said to this reader: only the partner can update and resubmit, or dispute.
      const reader = n.audience ?? 'partner';
      if (n.to === 'ACTION_REQUIRED' && reader !== 'reviewer')
        lines.push({
          text: t(locale, reader === 'colleague' ? 'notify.status_changed.infoRequested.colleague' : 'notify.status_changed.infoRequested'),
          tone: reader === 'colleague' ? undefined : 'attention',
        });
      if (n.to === 'REJECTED' && reader === 'partner') lines.push(t(locale, 'notify.status_changed.rejected.partner'));
      return renderNotice({
        title: t(locale, 'notify.status_changed.title', { number: n.number, to }),
        subtitle: n.name,
        badge: { text: to, tone: statusTone(n.to) },
        lines,
        quote: n.reason ? { text: reasonLine(locale, n.to, n.reason), tone: n.to === 'APPROVED' ? 'emphasis' : 'attention' } : undefined,
        actions: open(),
      });
    }
    case 'feedback':
      return renderNotice({
        title: t(locale, 'notify.feedback.title', { number: n.number }),
        titleTone: 'attention',
        lines: [
          t(locale, 'notify.feedback.text', { by: n.byName, name: n.name }),
          ...(documentRefLabel(locale, n)
            ? [{ text: t(locale, 'notify.feedback.on', { document: documentRefLabel(locale, n) }), subtle: true }]
            : []),
        ],
        quote: { text: n.text, tone: 'attention' },
        actions: open(n.documentId ?? n.feedbackId),
      });
    case 'upload_requested':
      return renderUploadRequest(
        {
          id: n.uploadRequestId,
          status: 'OPEN',
          requesterName: n.byName,
          claim: { id: n.claimId, number: n.number, name: n.name },
          kind: (DOCUMENT_KINDS.has(n.documentKind) ? n.documentKind : 'ADDITIONAL_INFO') as DocumentKind,
          message: n.message,
          dueAt: n.dueAt,
          // One decline per request: a key derived from the request is stable across re-deliveries.
          idempotencyKey: opts.idempotencyKey ?? `upload-request:${n.uploadRequestId}`,
        },
        locale,
        opts,
      );
    case 'upload_reached':
      return renderNotice({
        title: t(locale, 'notify.upload_reached.title', { name: n.assigneeName }),
        titleTone: 'good',
        lines: [
          t(locale, 'notify.upload_reached.text', {
            assignee: n.assigneeName,
            kind: kindLabel(locale, n.documentKind),
            number: n.number,
            name: n.name,
          }),
        ],
        actions: open(),
      });
    case 'upload_fulfilled':
      return renderNotice({
        title: t(locale, 'notify.upload_fulfilled.title'),
        titleTone: 'good',
        lines: [
          t(locale, 'notify.upload_fulfilled.text', {
            by: n.byName,
            kind: kindLabel(locale, n.documentKind),
            number: n.number,
            name: n.name,
          }),
        ],
        actions: open(),
      });
    case 'upload_declined':
      return renderNotice({
        title: t(locale, 'notify.upload_declined.title'),
        titleTone: 'warning',
        lines: [
          t(locale, 'notify.upload_declined.text', {
            by: n.byName,
            kind: kindLabel(locale, n.documentKind),
            number: n.number,
            name: n.name,
          }),
        ],
        quote: { text: t(locale, 'notify.upload_declined.reason', { reason: n.reason }), tone: 'warning' },
        actions: open(),
      });
    case 'upload_cancelled':
      return renderNotice({
        title: t(locale, 'notify.upload_cancelled.title'),
        lines: [
          t(locale, 'notify.upload_cancelled.text', {
            by: n.byName,
            kind: kindLabel(locale, n.documentKind),
            number: n.number,
            name: n.name,
          }),
        ],
        actions: open(),
      });
    case 'upload_reminder':
      return renderNotice({
        title: t(locale, 'notify.upload_reminder.title'),
        titleTone: 'warning',
        subtitle: ref,
        lines: [
          t(locale, 'notify.upload_reminder.text', {
            kind: kindLabel(locale, n.documentKind),
            number: n.number,
            name: n.name,
            due: formatDueDate(n.dueAt, locale),
          }),
        ],
        actions: [
          execute(t(locale, 'uploadRequest.upload'), 'upload.start', { uploadRequestId: n.uploadRequestId }, { style: 'positive' }),
          ...open(),
        ],
      });
    case 'file_prompt':
      // Asked for in a channel or group chat: the prompt comes here, to the 1:1 chat, where files reach the bot.
      return renderFilePrompt(
        {
          claim: { id: n.claimId, number: n.number, name: n.name },
          kind: (DOCUMENT_KINDS.has(n.documentKind) ? n.documentKind : 'ADDITIONAL_INFO') as DocumentKind,
          expiresAt: n.expiresAt,
          maxMb: n.maxMb,
          movedHere: true,
        },
        locale,
        opts,
      );
    case 'expiry_warning':
      return renderNotice({
        title: t(locale, 'notify.expiry_warning.title', { number: n.number }),
        titleTone: 'warning',
        lines: [t(locale, 'notify.expiry_warning.text', { name: n.name, deadline: formatDate(n.deadline, locale) })],
        actions: open(),
      });
    case 'review_needed':
      return renderNotice({
        title: t(locale, 'notify.review_needed.title', { number: n.number }),
        badge: { text: statusLabel(locale, n.status), tone: statusTone(n.status) },
        lines: [t(locale, 'notify.review_needed.text', { name: n.name, status: statusLabel(locale, n.status) })],
        quote: n.reason ? { text: reasonLine(locale, n.status, n.reason), tone: 'warning' } : undefined,
        actions: open(),
      });
    case 'review_assigned':
      return renderNotice({
        title: t(locale, 'notify.review_assigned.title', { number: n.number }),
        badge: { text: statusLabel(locale, n.status), tone: statusTone(n.status) },
        lines: [t(locale, 'notify.review_assigned.text', { by: n.byName, name: n.name, status: statusLabel(locale, n.status) })],
        actions: [...open(), execute(t(locale, 'common.reviewQueue'), 'reviews.open', {})],
      });
    case 'review_reminder':
      return renderReviewDigest(n, locale);
    case 'review_escalated':
      return renderNotice({
        title: t(locale, 'notify.review_escalated.title', { number: n.number }),
        titleTone: 'attention',
        badge: { text: statusLabel(locale, n.status), tone: statusTone(n.status) },
        lines: [
          t(locale, 'notify.review_escalated.text', { name: n.name, days: n.ageBusinessDays, target: n.targetBusinessDays }),
          n.reviewerName
            ? { text: t(locale, 'notify.review.owner', { name: n.reviewerName }), subtle: true }
            : { text: t(locale, 'notify.review.noOwner'), tone: 'attention' },
        ],
        actions: [...open(), execute(t(locale, 'common.reviewQueue'), 'reviews.open', {})],
      });
  }
}

/** A role given: what it allows, and the buttons to start with it. */
function renderRoleGranted(n: Extract<NotificationView, { kind: 'role_granted' }>, locale: string): AdaptiveCard {
  const role = t(locale, `role.${n.role}`);
  const actions =
    n.role === 'REVIEWER'
      ? [execute(t(locale, 'common.reviewQueue'), 'reviews.open', {}, { style: 'positive' })]
      : n.role === 'INCENTIVES_USER'
        ? [
            execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' }),
            execute(t(locale, 'common.overview'), 'overview.open', {}),
          ]
        : [
            execute(t(locale, 'common.admin'), 'admin.open', {}, { style: 'positive' }),
            execute(t(locale, 'common.newClaim'), 'claim.new.form', {}),
            execute(t(locale, 'common.overview'), 'overview.open', {}),
          ];
  return renderNotice({
    title: t(locale, 'notify.role_granted.title', { role, organisation: n.organisationName || t(locale, 'org.unnamed') }),
    titleTone: 'good',
    lines: [
      t(locale, 'notify.role_granted.text', { by: n.byName, role }) +
        (n.scope ? ` ${t(locale, 'notify.role_granted.scope', { scope: n.scope })}` : ''),
      t(locale, `role.${n.role}.desc`),
    ],
    actions,
  });
}

/** Teams shows at most six buttons on a card. */
const MAX_ACTIONS = 6;

/** The daily reminder: the reader's own reviews past their target, then those nobody owns; buttons open each list or claim. */
function renderReviewDigest(n: Extract<NotificationView, { kind: 'review_reminder' }>, locale: string): AdaptiveCard {
  const total = n.owned.count + n.unassigned.count;
  const lines: Array<{ text: string; tone?: 'attention'; subtle?: boolean }> = [];
  const section = (key: 'notify.review_reminder.yours' | 'notify.review_reminder.nobody', part: ReviewDigestPart) => {
    if (part.count === 0) return;
    lines.push({ text: t(locale, key, { count: part.count }), tone: key === 'notify.review_reminder.nobody' ? 'attention' : undefined });
    for (const c of part.claims)
      lines.push({
        text: t(locale, 'notify.review_reminder.item', {
          number: c.number,
          name: c.name,
          days: c.ageBusinessDays,
          target: c.targetBusinessDays,
        }),
        subtle: true,
      });
    if (part.count > part.claims.length)
      lines.push({ text: t(locale, 'overview.more', { count: part.count - part.claims.length }), subtle: true });
  };
  section('notify.review_reminder.yours', n.owned);
  section('notify.review_reminder.nobody', n.unassigned);
  const actions = [];
  if (n.owned.count)
    actions.push(
      execute(
        t(locale, 'notify.review_reminder.openMine'),
        'reviews.open',
        { filter: { owner: 'mine', age: 'overdue' }, page: 1 },
        { style: 'positive' },
      ),
    );
  if (n.unassigned.count)
    actions.push(
      execute(t(locale, 'notify.review_reminder.openUnassigned'), 'reviews.open', {
        filter: { owner: 'unassigned', age: 'overdue' },
        page: 1,
      }),
    );
  for (const c of [...n.owned.claims, ...n.unassigned.claims].slice(0, MAX_ACTIONS - actions.length))
    actions.push(execute(t(locale, 'common.openNumber', { number: c.number }), 'claim.open', { claimId: c.claimId }));
  return renderNotice({
    title: t(locale, total === 1 ? 'notify.review_reminder.title.one' : 'notify.review_reminder.title', { count: total }),
    titleTone: 'warning',
    lines,
    actions,
  });
}

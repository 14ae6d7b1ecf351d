import { actionKey, execute, type Verb } from './actions';
import { AMOUNT_REGEX, backToClaim, renderForm, type FieldSpec, type FormState } from './form';
import { catalogueText } from './catalogueText';
import { formatMoment, formatMoney } from './format';
import { renderNotice } from './notice';
import { t, tDyn } from './strings';
import type { AdaptiveCard, ClaimRef, DocumentKind, Moment, RenderOptions } from './types';
// The catalogue's proof items (a constant, no I/O): the form offers them in that order.
import { PROOF_ITEMS } from '../services/catalogue/rules';

/**
 * 4. Adding a document of one kind. Input ids match services/documents.ts: `details` is the
 * explanatory note (mandatory for proof); invoice and CSR fields keep their service names.
 * Metric: when the activity type lists required metrics, `name` is a ChoiceSet of them and
 * `otherName` a free-text alternative — the bot sends `otherName || name` as the metric name.
 */
export type AddDocumentView = FormState & {
  kind: DocumentKind;
  claim: ClaimRef & { currency: string };
  idempotencyKey: string;
  /** METRIC: the activity type's required metric names. */
  requiredMetrics?: string[];
  /** PROOF: what the proof must show for this activity type. */
  proofGuidance?: string;
  /** The document this one replaces (the claim card's Replace button); the submit carries it as `documentId`. */
  replacesDocumentId?: string | null;
  /**
   * A colleague answering an upload request: the requester's instruction is shown apart, above the
   * form, and is never the document's note (the colleague writes their own). Additional information
   * then comes as a file too.
   */
  request?: { requesterName: string; message: string } | null;
  /** PROOF: the proof items the activity requires (services/catalogue `proofItems`), named in the help line. */
  requiredProofItems?: readonly string[];
  /** INVOICE: facts the activity's invoices must show (`courseCode`, `completionDate`). */
  invoiceFacts?: readonly string[];
  /** CSR: how many line rows to show (the form's "Add a line" adds one). */
  csrLines?: number;
  /** CSR: the claimed amount and what its invoices and CSRs add up to so far, said above the lines. */
  evidence?: { claimedMinor: number; evidenceMinor: number };
};

/**
 * What the add forms ask beyond the basics, read off the claim's checklist (the rules' one
 * definition, services/submission.ts): the proof items and invoice facts the activity requires, and
 * the claimed amount against the evidence so far.
 */
export function documentFormNeeds(
  checklist: ReadonlyArray<{ rule: string; ok: boolean; params?: Record<string, unknown> }>,
): Pick<AddDocumentView, 'requiredProofItems' | 'invoiceFacts' | 'evidence'> {
  const param = (rule: string, key: string) =>
    checklist
      .filter((c) => c.rule === rule)
      .map((c) => c.params?.[key])
      .filter((v): v is string => typeof v === 'string');
  const evidence = checklist.find((c) => c.rule === 'evidence_covers_amount')?.params;
  return {
    requiredProofItems: param('proof_item', 'item'),
    invoiceFacts: param('invoice_fact', 'fact'),
    evidence:
      evidence && typeof evidence.claimedMinor === 'number' && typeof evidence.evidenceMinor === 'number'
        ? { claimedMinor: evidence.claimedMinor, evidenceMinor: evidence.evidenceMinor }
        : undefined,
  };
}

/** The CSR form shows this many lines at most (services/documents.ts CSR_MAX_LINES). */
export const CSR_FORM_MAX_LINES = 10;
const CSR_LINE_FIELDS = ['item', 'quantity', 'unitCost', 'total'] as const;

/**
 * The CSR form's inputs (`item1`, `quantity1`, `unitCost1`, `total1`, … one set per line) as the
 * service's `lines`; rows left wholly blank after the last filled one are dropped. Errors on
 * `lines.N.total` come back to input `total{N+1}` (cards/errors.ts `issueField`).
 */
export function csrInputFromForm(data: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  const rows: Array<Record<string, unknown>> = [];
  for (const [k, v] of Object.entries(data)) {
    const m = /^(item|quantity|unitCost|total)(\d{1,2})$/.exec(k);
    if (!m) {
      rest[k] = v;
      continue;
    }
    const n = Number(m[2]);
    if (n < 1 || n > CSR_FORM_MAX_LINES) continue;
    (rows[n - 1] ??= {})[m[1]!] = typeof v === 'string' ? v.trim() : v;
  }
  const filled = (r: Record<string, unknown> | undefined) => !!r && CSR_LINE_FIELDS.some((f) => r[f] !== undefined && r[f] !== '');
  let last = rows.length;
  while (last > 1 && !filled(rows[last - 1])) last--;
  const lines = Array.from({ length: Math.max(1, last) }, (_, n) => rows[n] ?? {});
  return { ...rest, lines };
}

/** How many line rows the CSR form needs to show what was typed (at least `min`). */
export function csrLinesTyped(values: Record<string, string | undefined> | undefined, min: number): number {
  let n = min;
  for (const [k, v] of Object.entries(values ?? {})) {
    const m = /^(?:item|quantity|unitCost|total)(\d{1,2})$/.exec(k);
    if (m && v) n = Math.max(n, Number(m[1]));
  }
  return Math.min(n, CSR_FORM_MAX_LINES);
}

const VERB_BY_KIND: Record<DocumentKind, Verb> = {
  INVOICE: 'doc.add',
  PROOF: 'doc.add',
  CSR: 'csr.generate',
  METRIC: 'metric.add',
  ADDITIONAL_INFO: 'info.add',
};

export function renderAddDocument(vm: AddDocumentView, locale: string): AdaptiveCard {
  const c = vm.claim.currency;
  let fields: FieldSpec[];
  let intro: string | undefined;
  let footnote: string | undefined;
  let submit: string;
  let csrLineCount = 0;
  switch (vm.kind) {
    case 'INVOICE':
      fields = [
        {
          kind: 'text',
          id: 'vendor',
          label: t(locale, 'doc.vendor.label'),
          required: true,
          errorMessage: t(locale, 'doc.vendor.error'),
          maxLength: 200,
        },
        {
          kind: 'text',
          id: 'invoiceNumber',
          label: t(locale, 'doc.invoiceNumber.label'),
          required: true,
          errorMessage: t(locale, 'doc.invoiceNumber.error'),
          maxLength: 100,
        },
        {
          kind: 'date',
          id: 'invoiceDate',
          label: t(locale, 'doc.invoiceDate.label'),
          required: true,
          errorMessage: t(locale, 'doc.invoiceDate.error'),
        },
        {
          kind: 'text',
          id: 'amount',
          label: t(locale, 'doc.amount.label', { currency: c }),
          required: true,
          errorMessage: t(locale, 'doc.amount.error'),
          regex: AMOUNT_REGEX,
          placeholder: '1250.00',
        },
        {
          kind: 'text',
          id: 'currency',
          label: t(locale, 'doc.currency.label'),
          required: true,
          errorMessage: t(locale, 'issue.invalid_format.currency'),
          regex: '^\\s*[A-Za-z]{3}\\s*$',
          maxLength: 3,
          initial: c,
          help: t(locale, 'doc.currency.help', { currency: c }),
        },
      ];
      // Exams and tuition: the invoice shows the course or exam code and when it was completed.
      if (vm.invoiceFacts?.includes('courseCode'))
        fields.push({
          kind: 'text',
          id: 'courseCode',
          label: t(locale, 'doc.courseCode.label'),
          required: true,
          errorMessage: t(locale, 'doc.courseCode.error'),
          maxLength: 100,
          placeholder: 'AZ-900',
        });
      if (vm.invoiceFacts?.includes('completionDate'))
        fields.push({
          kind: 'date',
          id: 'completionDate',
          label: t(locale, 'doc.completionDate.label'),
          required: true,
          errorMessage: t(locale, 'doc.completionDate.error'),
        });
      fields.push({
        kind: 'text',
        id: 'details',
        label: t(locale, 'doc.details.label'),
        placeholder: t(locale, 'doc.details.placeholder'),
        multiline: true,
        maxLength: 2000,
      });
      footnote = t(locale, 'doc.fileNext');
      submit = t(locale, 'doc.submit.file');
      break;
    case 'PROOF':
      fields = [
        {
          kind: 'text',
          id: 'details',
          label: t(locale, 'doc.note.label'),
          required: true,
          errorMessage: t(locale, 'doc.note.error'),
          help: t(locale, vm.request ? 'doc.note.help.request' : 'doc.note.help'),
          multiline: true,
          maxLength: 2000,
        },
        {
          kind: 'choice',
          id: 'items',
          label: t(locale, 'doc.items.label'),
          required: true,
          errorMessage: t(locale, 'doc.items.error'),
          multiSelect: true,
          style: 'expanded',
          choices: PROOF_ITEMS.map((item) => ({ title: t(locale, `proofItem.${item}`), value: item })),
          help: vm.requiredProofItems?.length
            ? t(locale, 'doc.items.help', {
                items: vm.requiredProofItems.map((i) => tDyn(locale, `proofItem.${i}`, 'proofItem.OTHER')).join(', '),
              })
            : undefined,
        },
        {
          kind: 'text',
          id: 'url',
          label: t(locale, 'doc.url.label'),
          placeholder: t(locale, 'doc.url.placeholder'),
          style: 'url',
          maxLength: 2000,
        },
      ];
      intro = vm.proofGuidance ? t(locale, 'doc.guidance', { guidance: catalogueText(locale, vm.proofGuidance) }) : undefined;
      footnote = t(locale, 'doc.fileNext');
      submit = t(locale, 'doc.submit.file');
      break;
    case 'METRIC': {
      const required = vm.requiredMetrics ?? [];
      fields =
        required.length > 0
          ? [
              {
                kind: 'choice',
                id: 'name',
                label: t(locale, 'doc.metricName.label'),
                placeholder: t(locale, 'doc.metricName.placeholder'),
                choices: required.map((m) => ({ title: catalogueText(locale, m), value: m })),
                style: 'filtered',
              },
              { kind: 'text', id: 'otherName', label: t(locale, 'doc.metricOther.label'), maxLength: 100 },
            ]
          : [
              {
                kind: 'text',
                id: 'name',
                label: t(locale, 'doc.metricName.label'),
                required: true,
                errorMessage: t(locale, 'common.required'),
                maxLength: 100,
              },
            ];
      fields.push(
        {
          kind: 'text',
          id: 'value',
          label: t(locale, 'doc.metricValue.label'),
          required: true,
          errorMessage: t(locale, 'doc.metricValue.error'),
          maxLength: 200,
        },
        { kind: 'text', id: 'details', label: t(locale, 'doc.details.label'), multiline: true, maxLength: 2000 },
      );
      submit = t(locale, 'doc.submit.metric');
      break;
    }
    case 'CSR': {
      const money = (m: number) => formatMoney(m, c, locale);
      intro = [
        t(locale, 'csr.intro'),
        vm.evidence
          ? t(locale, 'csr.againstClaim', { claimed: money(vm.evidence.claimedMinor), evidence: money(vm.evidence.evidenceMinor) })
          : '',
      ]
        .filter(Boolean)
        .join('\n\n');
      const lineCount = csrLinesTyped(vm.values, Math.max(1, Math.min(vm.csrLines ?? 3, CSR_FORM_MAX_LINES)));
      const lineFields: FieldSpec[] = [];
      for (let n = 1; n <= lineCount; n++) {
        // Line 1 is required; later lines are optional, and a blank one is left out.
        const required = n === 1;
        const error = required ? t(locale, 'csr.line.error') : undefined;
        lineFields.push(
          { kind: 'text', id: `item${n}`, label: t(locale, 'csr.line.item', { n }), required, errorMessage: error, maxLength: 200 },
          { kind: 'number', id: `quantity${n}`, label: t(locale, 'csr.line.quantity', { n }), required, errorMessage: error, min: 0 },
          {
            kind: 'text',
            id: `unitCost${n}`,
            label: t(locale, 'csr.line.unitCost', { n, currency: c }),
            required,
            errorMessage: error,
            regex: AMOUNT_REGEX,
          },
          {
            kind: 'text',
            id: `total${n}`,
            label: t(locale, 'csr.line.total', { n, currency: c }),
            required,
            errorMessage: error,
            regex: AMOUNT_REGEX,
          },
        );
      }
      fields = [
        {
          kind: 'text',
          id: 'description',
          label: t(locale, 'csr.workDescription.label'),
          required: true,
          errorMessage: t(locale, 'csr.workDescription.error'),
          multiline: true,
          maxLength: 2000,
        },
        ...lineFields,
        {
          kind: 'text',
          id: 'certifiedBy',
          label: t(locale, 'csr.certifiedBy.label'),
          required: true,
          errorMessage: t(locale, 'csr.certifiedBy.error'),
          maxLength: 200,
        },
        {
          kind: 'toggle',
          id: 'attestation',
          label: t(locale, 'field.attestation'),
          toggleTitle: t(locale, 'csr.attest.title'),
          required: true,
          errorMessage: t(locale, 'csr.attest.error'),
        },
      ];
      csrLineCount = lineCount;
      submit = t(locale, 'doc.submit.csr');
      break;
    }
    case 'ADDITIONAL_INFO':
      if (vm.request) {
        fields = [
          {
            kind: 'text',
            id: 'details',
            label: t(locale, 'doc.details.label'),
            placeholder: t(locale, 'doc.details.placeholder.info'),
            multiline: true,
            maxLength: 2000,
          },
        ];
        footnote = t(locale, 'doc.fileNext');
        submit = t(locale, 'doc.submit.file');
        break;
      }
      fields = [
        {
          kind: 'text',
          id: 'text',
          label: t(locale, 'doc.info.label'),
          required: true,
          errorMessage: t(locale, 'doc.info.error'),
          multiline: true,
          maxLength: 4000,
        },
      ];
      submit = t(locale, 'doc.submit.info');
      break;
  }
  const verb = vm.request && vm.kind === 'ADDITIONAL_INFO' ? 'doc.add' : VERB_BY_KIND[vm.kind];
  const replaces = vm.replacesDocumentId || undefined;
  const kindInline = t(locale, `kindInline.${vm.kind}`);
  return renderForm(
    {
      title: replaces ? t(locale, 'doc.form.replace', { kind: kindInline }) : t(locale, `doc.form.${vm.kind}`),
      subtitle: t(locale, 'doc.form.for', { number: vm.claim.number, name: vm.claim.name }),
      intro: replaces ? [t(locale, 'doc.replace.intro', { kind: kindInline }), intro].filter(Boolean).join('\n\n') : intro,
      quotes: vm.request
        ? [{ title: t(locale, 'doc.request.asked', { name: vm.request.requesterName }), text: vm.request.message, tone: 'emphasis' }]
        : undefined,
      footnote,
      fields,
      actions: [
        execute(
          submit,
          verb,
          {
            claimId: vm.claim.id,
            version: vm.claim.version,
            kind: vm.kind,
            documentId: replaces,
            idempotencyKey: actionKey(vm.idempotencyKey, verb),
          },
          { style: 'positive', inputs: 'auto' },
        ),
        // The form keeps what was typed and shows one more line.
        ...(csrLineCount > 0 && csrLineCount < CSR_FORM_MAX_LINES
          ? [
              execute(
                t(locale, 'csr.addLine'),
                'csr.addLine',
                { claimId: vm.claim.id, version: vm.claim.version, lines: csrLineCount + 1 },
                { inputs: 'auto' },
              ),
            ]
          : []),
        backToClaim(locale, vm.claim.id),
      ],
    },
    vm,
    locale,
  );
}

/**
 * "Send me the file": the bot waits for the next file this user sends in 1:1 chat, until `expiresAt`.
 * With `now` (the moment the prompt is rendered) a short wait reads "for the next 30 minutes".
 */
export type FilePromptView = {
  claim: Pick<ClaimRef, 'id' | 'number' | 'name'>;
  kind: DocumentKind;
  expiresAt: Moment;
  maxMb: number;
  now?: Moment;
  /** Sent to the 1:1 chat because the document was chosen in a channel or group chat: the prompt says so. */
  movedHere?: boolean;
};

/** Waits up to this long are said in minutes; longer ones as a moment. */
const RELATIVE_WAIT_MAX_MINUTES = 120;

function waitLine(vm: FilePromptView, locale: string, timeZone: string | undefined): string {
  if (vm.now !== undefined) {
    const minutes = Math.round((new Date(vm.expiresAt).getTime() - new Date(vm.now).getTime()) / 60_000);
    if (minutes > 0 && minutes <= RELATIVE_WAIT_MAX_MINUTES) return t(locale, 'filePrompt.expiresIn', { minutes });
  }
  return t(locale, 'filePrompt.expires', { time: formatMoment(vm.expiresAt, locale, timeZone) });
}

export function renderFilePrompt(vm: FilePromptView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  return renderNotice({
    title: t(locale, 'filePrompt.title'),
    titleTone: 'accent',
    lines: [
      ...(vm.movedHere ? [{ text: t(locale, 'filePrompt.movedHere'), subtle: true }] : []),
      t(locale, 'filePrompt.text', { kind: t(locale, `kindInline.${vm.kind}`), number: vm.claim.number, name: vm.claim.name }),
      { text: t(locale, 'filePrompt.types', { maxMb: vm.maxMb }), subtle: true },
      { text: waitLine(vm, locale, opts.timeZone), subtle: true },
    ],
    actions: [
      execute(t(locale, 'filePrompt.cancel'), 'upload.cancelPending', { claimId: vm.claim.id }),
      // Arriving on its own in the 1:1 chat, the prompt also leads to the claim it is for.
      ...(vm.movedHere ? [execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: vm.claim.id })] : []),
    ],
  });
}

export type FileReceivedView = { claim: Pick<ClaimRef, 'id' | 'number' | 'name'>; kind: DocumentKind; fileName: string };

export function renderFileReceived(vm: FileReceivedView, locale: string): AdaptiveCard {
  return renderNotice({
    title: t(locale, 'fileReceived.title'),
    titleTone: 'good',
    lines: [t(locale, 'fileReceived.text', { file: vm.fileName, number: vm.claim.number, kind: t(locale, `kindInline.${vm.kind}`) })],
    actions: [execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: vm.claim.id })],
  });
}

/**
 * In a channel or group chat, where Teams hands no files to bots: the line left there instead of a
 * file prompt. Either the prompt went to the person's 1:1 chat, or they have no 1:1 chat with the
 * bot yet and nothing waits for a file.
 */
export type FileElsewhereView = { claim: Pick<ClaimRef, 'id' | 'number' | 'name'>; kind: DocumentKind; userName: string; sent: boolean };

export function renderFileElsewhere(vm: FileElsewhereView, locale: string): AdaptiveCard {
  const params = { name: vm.userName, kind: t(locale, `kindInline.${vm.kind}`), number: vm.claim.number, claim: vm.claim.name };
  return renderNotice({
    title: t(locale, vm.sent ? 'fileElsewhere.title' : 'fileElsewhere.noChat.title'),
    titleTone: vm.sent ? 'accent' : 'warning',
    lines: [
      t(locale, vm.sent ? 'fileElsewhere.text' : 'fileElsewhere.noChat.text', params),
      { text: t(locale, vm.sent ? 'fileElsewhere.why' : 'fileElsewhere.noChat.how', params), subtle: true },
    ],
    actions: [execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: vm.claim.id })],
  });
}

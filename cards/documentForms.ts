import { actionKey, execute, type Verb } from './actions';
import { AMOUNT_REGEX, backToClaim, renderForm, type FieldSpec, type FormState } from './form';
import { formatMoment } from './format';
import { renderNotice } from './notice';
import { t } from './strings';
import type { AdaptiveCard, ClaimRef, DocumentKind, Moment, RenderOptions } from './types';

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
};

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
          id: 'details',
          label: t(locale, 'doc.details.label'),
          placeholder: t(locale, 'doc.details.placeholder'),
          multiline: true,
          maxLength: 2000,
        },
      ];
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
          kind: 'text',
          id: 'url',
          label: t(locale, 'doc.url.label'),
          placeholder: t(locale, 'doc.url.placeholder'),
          style: 'url',
          maxLength: 2000,
        },
      ];
      intro = vm.proofGuidance ? t(locale, 'doc.guidance', { guidance: vm.proofGuidance }) : undefined;
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
                choices: required.map((m) => ({ title: m, value: m })),
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
    case 'CSR':
      intro = t(locale, 'csr.intro');
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
        {
          kind: 'text',
          id: 'expenseType',
          label: t(locale, 'csr.expenseType.label'),
          required: true,
          errorMessage: t(locale, 'csr.expenseType.error'),
          maxLength: 100,
        },
        {
          kind: 'number',
          id: 'quantity',
          label: t(locale, 'csr.quantity.label'),
          required: true,
          errorMessage: t(locale, 'csr.quantity.error'),
          min: 0,
        },
        {
          kind: 'text',
          id: 'rate',
          label: t(locale, 'csr.rate.label', { currency: c }),
          required: true,
          errorMessage: t(locale, 'csr.rate.error'),
          regex: AMOUNT_REGEX,
        },
        {
          kind: 'text',
          id: 'amount',
          label: t(locale, 'csr.amount.label', { currency: c }),
          required: true,
          errorMessage: t(locale, 'csr.amount.error'),
          regex: AMOUNT_REGEX,
        },
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
      submit = t(locale, 'doc.submit.csr');
      break;
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

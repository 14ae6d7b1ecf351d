import formTemplate from './templates/form.json';
import { execute, type ExecuteSpec } from './actions';
import { expand } from './render';
import { t } from './strings';
import type { AdaptiveCard } from './types';

/**
 * Forms share one template: a heading, an error summary, then one block per field (input, help
 * line, red error line). A form that failed server-side validation is rendered again with what the
 * user typed (`values`) and one message per input id (`errors`, see `fieldErrors()`).
 */
export type FormState = {
  /** What the user typed last time, by input id (Teams sends every input value as a string). */
  values?: Record<string, string | undefined>;
  /** Message per input id, already in the user's language. Unknown ids go to the summary only. */
  errors?: Record<string, string>;
};

type Base = { id: string; label: string; required?: boolean; errorMessage?: string; help?: string; placeholder?: string };
export type FieldSpec =
  | (Base & { kind: 'text'; multiline?: boolean; maxLength?: number; regex?: string; style?: 'text' | 'url'; initial?: string })
  | (Base & { kind: 'number'; min?: number; max?: number; initial?: number })
  | (Base & { kind: 'date'; min?: string; max?: string; initial?: string })
  | (Base & {
      kind: 'choice';
      choices: Array<{ title: string; value: string }>;
      style?: 'compact' | 'expanded' | 'filtered';
      dataQuery?: { dataset: string; count?: number };
      initial?: string;
      /** Several choices at once; Teams sends them comma-separated ("A,B"). */
      multiSelect?: boolean;
    })
  | (Base & { kind: 'toggle'; toggleTitle: string; initial?: boolean });

/** Context the person filling the form needs to read, set apart from the inputs (a reason, a request). */
export type FormQuote = { title: string; text: string; tone?: 'default' | 'emphasis' | 'attention' | 'warning' | 'good' | 'accent' };

export type FormSpec = {
  title: string;
  subtitle?: string;
  intro?: string;
  quotes?: FormQuote[];
  emptyNotice?: string;
  footnote?: string;
  fields: FieldSpec[];
  actions: ExecuteSpec[];
};

/** Amounts as the services accept them: digits with optional thousands commas and up to 2 decimals. */
export const AMOUNT_REGEX = '^\\s*[0-9][0-9,]{0,11}(\\.[0-9]{1,2})?\\s*$';

function prepareField(f: FieldSpec, state: FormState) {
  const typed = state.values?.[f.id];
  const error = state.errors?.[f.id] ?? null;
  const initial = typed !== undefined ? typed : f.initial !== undefined ? String(f.initial) : null;
  const numberValue =
    f.kind === 'number' && initial !== null && initial.trim() !== '' && Number.isFinite(Number(initial)) ? Number(initial) : null;
  return {
    kind: f.kind,
    id: f.id,
    label: f.label,
    isRequired: f.required ?? false,
    errorMessage: f.required ? (f.errorMessage ?? null) : null,
    placeholder: f.placeholder ?? null,
    value: initial === '' && f.kind !== 'text' ? null : initial,
    numberValue,
    isMultiline: f.kind === 'text' ? (f.multiline ?? null) : null,
    maxLength: f.kind === 'text' ? (f.maxLength ?? null) : null,
    regex: f.kind === 'text' ? (f.regex ?? null) : null,
    style: f.kind === 'text' || f.kind === 'choice' ? (f.style ?? null) : null,
    min: f.kind === 'number' ? (f.min ?? null) : null,
    max: f.kind === 'number' ? (f.max ?? null) : null,
    minDate: f.kind === 'date' ? (f.min ?? null) : null,
    maxDate: f.kind === 'date' ? (f.max ?? null) : null,
    choices: f.kind === 'choice' ? f.choices : null,
    isMultiSelect: f.kind === 'choice' && f.multiSelect ? true : null,
    choicesData: f.kind === 'choice' && f.dataQuery ? { type: 'Data.Query', ...f.dataQuery } : null,
    toggleTitle: f.kind === 'toggle' ? f.toggleTitle : null,
    help: f.help ?? '',
    hasHelp: Boolean(f.help),
    error: error ?? '',
    hasError: Boolean(error),
  };
}

export function renderForm(spec: FormSpec, state: FormState, locale: string): AdaptiveCard {
  const fields = spec.fields.map((f) => prepareField(f, state));
  const labels = new Map(spec.fields.map((f) => [f.id, f.label]));
  const errorEntries = Object.entries(state.errors ?? {}).filter(([, m]) => m);
  const errorLines = errorEntries.map(([id, m]) => `- ${labels.has(id) ? `${labels.get(id)}: ` : ''}${m}`).join('\n');
  return expand(formTemplate, {
    title: spec.title,
    subtitle: spec.subtitle ?? '',
    hasSubtitle: Boolean(spec.subtitle),
    intro: spec.intro ?? '',
    hasIntro: Boolean(spec.intro),
    hasQuotes: (spec.quotes ?? []).length > 0,
    quotes: (spec.quotes ?? []).map((q) => ({ title: q.title, text: q.text, style: q.tone ?? 'emphasis' })),
    emptyNotice: spec.emptyNotice ?? '',
    hasEmptyNotice: Boolean(spec.emptyNotice),
    footnote: spec.footnote ?? '',
    hasFootnote: Boolean(spec.footnote),
    hasErrors: errorEntries.length > 0,
    errorSummary: t(locale, 'common.formErrors'),
    errorLines,
    fields,
    actions: spec.actions,
  });
}

/** "Back to claim" for the foot of claim forms: needs no inputs. */
export const backToClaim = (locale: string, claimId: string) => execute(t(locale, 'common.backToClaim'), 'claim.open', { claimId });

import { catalogueText } from './catalogueText';
import { formatDate, formatMoney, intlLocale } from './format';
import { hasKey, t, tDyn, type StringKey } from './strings';

/**
 * Service errors (services/errors.ts) in the user's language. Structural types, so the bot can pass
 * a ServiceError as is; unknown kinds and codes get a polite generic message, never internals.
 */
export type ErrorIssue = { path: string; code: string; message?: string; params?: Record<string, unknown> };
export type ErrorRule = { rule: string; params?: Record<string, unknown> };
export type ServiceErrorLike = {
  kind: string;
  code: string;
  details?: { issues?: ErrorIssue[]; rules?: ErrorRule[]; params?: Record<string, unknown> };
};

const AMOUNT_FIELDS = new Set(['amount', 'approvedAmount', 'rate', 'unitCost', 'total']);
const CURRENCY_FIELDS = new Set(['currency']);
/** zod's own issue codes: said from their parameters below. Every other code is the service's own and has its own sentence. */
const ZOD_CODES = new Set([
  'too_small',
  'too_big',
  'invalid_type',
  'invalid_format',
  'invalid_value',
  'invalid_enum_value',
  'invalid_union',
  'custom',
  'not_multiple_of',
  'unrecognized_keys',
  'invalid_key',
  'invalid_element',
]);
const DATE_FIELDS = new Set(['activityStart', 'activityEnd', 'invoiceDate', 'dueDate']);

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

/**
 * The input id an issue belongs to: the last segment of its path (`fields.vendor` → `vendor`); a
 * line of a list is numbered from 1 (`lines.0.total` → `total1`, the CSR form's inputs).
 */
export function issueField(path: string): string {
  const parts = path.split('.').filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  const index = parts[parts.length - 2];
  return index !== undefined && /^\d+$/.test(index) ? `${last}${Number(index) + 1}` : last;
}

export function fieldLabel(locale: string, field: string): string {
  const line = /^([a-zA-Z]+?)(\d+)$/.exec(field);
  if (line && hasKey(`field.${line[1]}`) && !hasKey(`field.${field}`))
    return t(locale, 'field.line', { n: line[2], field: tDyn(locale, `field.${line[1]}`, 'field.generic') });
  return tDyn(locale, `field.${field}`, 'field.generic');
}

const DATE_PARAMS = ['usageStart', 'usageEnd', 'earliest', 'latest', 'start', 'end', 'invoiceDate', 'deadline'];

/** Parameters of the service's own issue and rule codes, formatted for the sentence they fill. */
function ownParams(locale: string, p: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) out[k] = Array.isArray(v) ? v.map(str).join(', ') : str(v);
  for (const k of DATE_PARAMS) if (typeof p[k] === 'string' && p[k]) out[k] = formatDate(p[k] as string, locale);
  const korean = locale.toLowerCase().startsWith('ko');
  if (korean && typeof p.activityKo === 'string' && p.activityKo) out.activity = p.activityKo;
  if (typeof p.status === 'string' && hasKey(`status.${p.status}`)) out.status = t(locale, `status.${p.status}` as StringKey);
  const currency = str(p.currency);
  // Amounts: with the currency when the issue names one, else as a plain decimal.
  const amount = (v: unknown) =>
    num(v) === null
      ? ''
      : currency
        ? formatMoney(num(v)!, currency, locale)
        : new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 2 }).format(num(v)! / 100);
  for (const [k, v] of Object.entries(p)) if (k.endsWith('Minor')) out[k.slice(0, -'Minor'.length)] = amount(v);
  if ('sameClaim' in p || 'claimNumber' in p)
    out.where =
      p.sameClaim === true
        ? t(locale, 'dup.sameClaim')
        : t(locale, 'dup.otherClaim', { claimNumber: str(p.claimNumber), status: out.status ?? '' });
  return out;
}

/** One field issue as a sentence in the user's language. */
export function issueMessage(locale: string, issue: ErrorIssue): string {
  const field = issueField(issue.path);
  const p = issue.params ?? {};
  if (!ZOD_CODES.has(issue.code) && hasKey(`issue.${issue.code}`))
    return t(locale, `issue.${issue.code}` as StringKey, ownParams(locale, p));
  const origin = str(p.origin);
  const korean = locale.toLowerCase().startsWith('ko');
  const sized = (prefix: 'too_small' | 'too_big', bound: 'minimum' | 'maximum'): string => {
    const value = p[bound];
    if (prefix === 'too_small' && origin === 'string' && num(value) === 1) return t(locale, 'issue.required');
    // Service-made bounds name no origin: an amount carries its currency, a calendar date is YYYY-MM-DD.
    const isoDay = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    const kind = ['string', 'number', 'date', 'array'].includes(origin)
      ? origin
      : origin === 'int' || origin === 'bigint'
        ? 'number'
        : str(p.currency) && num(value) !== null
          ? 'amount'
          : isoDay
            ? 'date'
            : '';
    if (!kind) return t(locale, 'issue.generic');
    const shown =
      kind === 'amount'
        ? formatMoney(num(value)!, str(p.currency), locale)
        : kind === 'date' && isoDay
          ? formatDate(value as string, locale)
          : kind === 'date' && num(value) !== null
            ? formatDate(new Date(num(value)!), locale)
            : str(value);
    return t(locale, `issue.${prefix}.${kind}` as StringKey, { [bound]: shown });
  };
  switch (issue.code) {
    case 'too_small':
      return sized('too_small', 'minimum');
    case 'too_big':
      // An approval above the claim says its limit as what it is: the amount claimed.
      if (p.limit === 'claimed' && num(p.maximum) !== null && str(p.currency))
        return t(locale, 'issue.too_big.claimed', { maximum: formatMoney(num(p.maximum)!, str(p.currency), locale) });
      return sized('too_big', 'maximum');
    case 'invalid_type':
      return /undefined|required/i.test(issue.message ?? '') ? t(locale, 'issue.required') : t(locale, 'issue.invalid_type');
    case 'invalid_format': {
      const format = str(p.format);
      if (format === 'email' || format === 'url') return t(locale, `issue.invalid_format.${format}`);
      // Regex checks carry a message the service wrote for people (English).
      if (!korean && issue.message && format === 'regex') return issue.message;
      if (AMOUNT_FIELDS.has(field.replace(/\d+$/, ''))) return t(locale, 'issue.invalid_format.amount');
      if (DATE_FIELDS.has(field)) return t(locale, 'issue.invalid_format.date');
      if (CURRENCY_FIELDS.has(field)) return t(locale, 'issue.invalid_format.currency');
      return t(locale, 'issue.invalid_format');
    }
    case 'invalid_value':
    case 'invalid_enum_value':
    case 'invalid_union':
      return t(locale, 'issue.invalid_value');
    case 'custom':
      if (!korean && issue.message) return issue.message;
      if (AMOUNT_FIELDS.has(field)) return t(locale, 'issue.invalid_format.amount');
      if (DATE_FIELDS.has(field)) return t(locale, 'issue.invalid_format.date');
      return t(locale, 'issue.custom');
    default:
      return t(locale, 'issue.generic');
  }
}

/** Per-input messages for re-rendering a form: `{ [inputId]: message }` (first issue per field wins). */
export function fieldErrors(locale: string, issues: ErrorIssue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) {
    const f = issueField(i.path);
    if (f && !(f in out)) out[f] = issueMessage(locale, i);
  }
  return out;
}

/** "$3,000.00 per usage period (the greater of 10% of earned co-op or $3,000.00)": a cap and where it comes from. */
function capText(locale: string, p: Record<string, unknown>, money: (v: unknown) => string): string {
  const percent = num(p.percentOfEarned);
  const fixed = num(p.fixedMinor);
  let basis = '';
  if (percent !== null && fixed !== null) basis = t(locale, 'cap.greater', { percent, fixed: money(fixed) });
  else if (percent !== null) basis = t(locale, 'cap.percent', { percent });
  if (basis && str(p.exceptionProgram)) basis = t(locale, 'cap.exception', { program: str(p.exceptionProgram), basis });
  const amount = t(locale, p.per === 'claim' ? 'cap.perClaim' : 'cap.perPeriod', { cap: money(p.capMinor) });
  return basis ? t(locale, 'cap.withBasis', { amount, basis }) : amount;
}

function ruleParams(locale: string, r: ErrorRule): Record<string, string> {
  const p = r.params ?? {};
  const currency = str(p.currency) || 'USD';
  const money = (v: unknown) => (num(v) === null ? '' : formatMoney(num(v)!, currency, locale));
  const usedByOthers = num(p.usedMinor) ?? 0;
  return {
    ...ownParams(locale, { ...p, currency }),
    item: typeof p.item === 'string' ? tDyn(locale, `proofItem.${p.item}`, 'proofItem.OTHER') : '',
    fact: typeof p.fact === 'string' && hasKey(`invoiceFact.${p.fact}`) ? t(locale, `invoiceFact.${p.fact}` as StringKey) : str(p.fact),
    // A required metric is named by the catalogue (English); a location by its admins.
    name: r.rule === 'required_metric' ? catalogueText(locale, str(p.name)) : str(p.name),
    remaining: money(p.remainingMinor),
    cap: num(p.capMinor) === null ? '' : capText(locale, p, money),
    // Only a per-period cap is shared with other claims; saying so tells the partner what is left.
    capDetail:
      usedByOthers > 0 && p.per !== 'claim'
        ? t(locale, 'cap.used', { used: money(usedByOthers), left: money(Math.max(0, (num(p.capMinor) ?? 0) - usedByOthers)) })
        : '',
    deadline: typeof p.deadline === 'string' || p.deadline instanceof Date ? formatDate(p.deadline, locale) : '',
    rule: r.rule,
  };
}

/** A failed completeness rule as an instruction ("Add at least one proof of execution."). */
export function ruleMessage(locale: string, r: ErrorRule): string {
  return tDyn(locale, `rule.${r.rule}`, 'rule.generic', ruleParams(locale, r));
}

/** A checklist line ("At least one proof of execution"), the positive form of the same rule. */
export function checklistLabel(locale: string, r: ErrorRule): string {
  return tDyn(locale, `check.${r.rule}`, 'check.generic', ruleParams(locale, r));
}

export type ErrorView = { title: string; text: string; lines: string[] };

/** The message to show for a service error: a sentence plus, for invalid/rule_failed, one line per problem. */
export function errorView(locale: string, err: ServiceErrorLike): ErrorView {
  const title = t(locale, 'error.title');
  const params = err.details?.params ?? {};
  const status = str(params.status);
  const statusLabel = status && hasKey(`status.${status}`) ? t(locale, `status.${status}` as StringKey) : status;
  switch (err.kind) {
    case 'not_found':
    case 'forbidden':
    case 'conflict':
      return {
        title,
        text: tDyn(locale, `error.${err.kind}.${err.code}`, `error.${err.kind}.generic`, { status: statusLabel }),
        lines: [],
      };
    case 'invalid': {
      // Errors about a thing rather than a form field (a refused file) have a sentence of their own.
      if (err.code !== 'input' && hasKey(`error.invalid.${err.code}`)) {
        const maxBytes = typeof params.maxBytes === 'number' ? params.maxBytes : undefined;
        return {
          title,
          text: t(locale, `error.invalid.${err.code}` as StringKey, { maxMb: maxBytes ? Math.round(maxBytes / 1048576) : 25 }),
          lines: [],
        };
      }
      const lines = (err.details?.issues ?? []).map((i) => {
        const f = issueField(i.path);
        const message = issueMessage(locale, i);
        return f ? t(locale, 'error.field', { field: fieldLabel(locale, f), message }) : message;
      });
      return { title, text: t(locale, 'error.invalid.summary'), lines };
    }
    case 'rule_failed':
      if (err.code !== 'incomplete' && hasKey(`error.rule_failed.${err.code}`))
        return { title, text: t(locale, `error.rule_failed.${err.code}` as StringKey), lines: [] };
      return { title, text: t(locale, 'error.rule_failed.summary'), lines: (err.details?.rules ?? []).map((r) => ruleMessage(locale, r)) };
    default:
      return { title, text: t(locale, 'error.generic'), lines: [] };
  }
}

/** The same as one plain string (markdown bullets for the lines), for a text reply. */
export function errorMessage(locale: string, err: ServiceErrorLike): string {
  const v = errorView(locale, err);
  return [v.text, ...v.lines.map((l) => `- ${l}`)].join('\n');
}

import { formatDate, formatMoney } from './format';
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

const AMOUNT_FIELDS = new Set(['amount', 'approvedAmount', 'rate']);
const DATE_FIELDS = new Set(['activityStart', 'activityEnd', 'invoiceDate', 'dueDate']);

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

/** The input id an issue belongs to: the last segment of its path (`fields.vendor` → `vendor`). */
export function issueField(path: string): string {
  const parts = path.split('.').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

export function fieldLabel(locale: string, field: string): string {
  return tDyn(locale, `field.${field}`, 'field.generic');
}

/** One field issue as a sentence in the user's language. */
export function issueMessage(locale: string, issue: ErrorIssue): string {
  const field = issueField(issue.path);
  const p = issue.params ?? {};
  const origin = str(p.origin);
  const korean = locale.toLowerCase().startsWith('ko');
  const sized = (prefix: 'too_small' | 'too_big', bound: 'minimum' | 'maximum'): string => {
    const value = p[bound];
    if (prefix === 'too_small' && origin === 'string' && num(value) === 1) return t(locale, 'issue.required');
    const kind = ['string', 'number', 'date', 'array'].includes(origin) ? origin : origin === 'int' || origin === 'bigint' ? 'number' : '';
    if (!kind) return t(locale, 'issue.generic');
    const shown = kind === 'date' && num(value) !== null ? formatDate(new Date(num(value)!), locale) : str(value);
    return t(locale, `issue.${prefix}.${kind}` as StringKey, { [bound]: shown });
  };
  // An amount's limit is money: say it ("at most $1,000.00, the amount claimed"), never just "check this value".
  const limitMoney = num(p.maximum) !== null && str(p.currency) ? formatMoney(num(p.maximum)!, str(p.currency), locale) : '';
  switch (issue.code) {
    case 'too_small':
      return sized('too_small', 'minimum');
    case 'too_big':
      if (AMOUNT_FIELDS.has(field) && limitMoney)
        return t(locale, p.limit === 'claimed' ? 'issue.too_big.claimed' : 'issue.too_big.money', { maximum: limitMoney });
      return sized('too_big', 'maximum');
    case 'invalid_type':
      return /undefined|required/i.test(issue.message ?? '') ? t(locale, 'issue.required') : t(locale, 'issue.invalid_type');
    case 'invalid_format': {
      const format = str(p.format);
      if (format === 'email' || format === 'url') return t(locale, `issue.invalid_format.${format}`);
      // Regex checks carry a message the service wrote for people (English).
      if (!korean && issue.message && format === 'regex') return issue.message;
      if (AMOUNT_FIELDS.has(field)) return t(locale, 'issue.invalid_format.amount');
      if (DATE_FIELDS.has(field)) return t(locale, 'issue.invalid_format.date');
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
      // A rule of our own with a sentence in the string tables (e.g. `partial_needs_reason`).
      return tDyn(locale, `issue.${issue.code}`, 'issue.generic');
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

function ruleParams(locale: string, r: ErrorRule): Record<string, string> {
  const p = r.params ?? {};
  const currency = str(p.currency) || 'USD';
  const money = (v: unknown) => (num(v) === null ? '' : formatMoney(num(v)!, currency, locale));
  return {
    name: str(p.name),
    remaining: money(p.remainingMinor),
    cap: money(p.capMinor),
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

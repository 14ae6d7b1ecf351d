/**
 * The small, closed set of service errors. The bot maps each kind (and its code) to one message in
 * the user's language; nothing else is ever shown to a user.
 */
export type FieldIssue = { path: string; code: string; message: string; params?: Record<string, unknown> };
export type RuleFailure = { rule: string; params?: Record<string, unknown> };

export type ServiceErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'rule_failed';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    /** Stable machine code, e.g. `stale_version`, `transition_not_allowed`, `claim`. */
    readonly code: string,
    message: string,
    readonly details: { issues?: FieldIssue[]; rules?: RuleFailure[]; params?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** What was looked for (`claim`, `user`, `document`, …) is the code. */
export const notFound = (what: string, id?: string) => new ServiceError('not_found', what, `${what} ${id ?? ''} not found`.trim());

/** Why is the code: `not_in_organisation`, `role_required`, `not_owner`, `upload_request_scope`, … */
export const forbidden = (code: string, message: string, params?: Record<string, unknown>) =>
  new ServiceError('forbidden', code, message, { params });

/** `stale_version` (the card is older than the claim), `transition_not_allowed`, `not_editable`, `already_decided`, … */
export const conflict = (code: string, message: string, params?: Record<string, unknown>) =>
  new ServiceError('conflict', code, message, { params });

export const invalid = (issues: FieldIssue[]) =>
  new ServiceError('invalid', 'input', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });

/** Every failing business rule at once (e.g. all completeness rules of a submit). */
export const ruleFailed = (code: string, rules: RuleFailure[]) =>
  new ServiceError('rule_failed', code, rules.map((r) => r.rule).join(', '), { rules });

export const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;

/**
 * What to do after a failed delivery, from the Bot Connector's answer: Teams asks us to slow down
 * (429 + Retry-After), has a transient fault (412/502/503/504, network), or refuses for good
 * (403 with a subcode saying why, 404 conversation gone, any other 4xx).
 */

export type DeliveryError = { status?: number; code?: string; retryAfterMs?: number; message: string };

export type Decision =
  | { action: 'retry'; delayMs: number; error: string }
  | { action: 'dead'; error: string; unreachableReason?: string; dropConversation?: boolean };

export type BackoffPolicy = { baseMs: number; maxMs: number };

const TRANSIENT = new Set([412, 500, 502, 503, 504]);

/** Reads status, error code and Retry-After from what botbuilder's connector client throws. */
export function describeError(e: unknown): DeliveryError {
  if (!(e instanceof Error)) return { message: String(e) };
  const err = e as Error & { statusCode?: unknown; code?: unknown; response?: { headers?: { get?: (n: string) => string | undefined } } };
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const header = typeof err.response?.headers?.get === 'function' ? err.response.headers.get('retry-after') : undefined;
  return { status, code, retryAfterMs: parseRetryAfter(header), message: err.message };
}

/** Retry-After is delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with equal jitter: half fixed, half random, so replicas do not retry in step. */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export function describe(err: DeliveryError): string {
  return [err.status ? `HTTP ${err.status}` : 'network error', err.code, err.message].filter(Boolean).join(': ').slice(0, 500);
}

/** `attempts` counts this attempt; at `maxAttempts` a retryable failure dead-letters instead. */
export function decide(err: DeliveryError, attempts: number, maxAttempts: number, policy: BackoffPolicy, random?: () => number): Decision {
  const error = describe(err);
  const giveUp = (): Decision => ({ action: 'dead', error: `gave up after ${attempts} attempts: ${error}` });
  if (err.status === 429) {
    if (attempts >= maxAttempts) return giveUp();
    return { action: 'retry', delayMs: err.retryAfterMs ?? backoffMs(attempts, policy, random), error };
  }
  if (err.status === undefined || TRANSIENT.has(err.status)) {
    if (attempts >= maxAttempts) return giveUp();
    return { action: 'retry', delayMs: backoffMs(attempts, policy, random), error };
  }
  if (err.status === 403) return { action: 'dead', error, unreachableReason: err.code ?? 'Forbidden' };
  if (err.status === 404) return { action: 'dead', error, dropConversation: true };
  return { action: 'dead', error };
}

/**
 * The one place that decides how long to wait before trying a remote call again, for every caller
 * (Microsoft Graph calls in services/graph.ts, proactive delivery in bot/outbox): what the server's
 * Retry-After says, otherwise exponential backoff with jitter. Which answers are worth retrying is the
 * caller's knowledge of its service (Teams treats 412 as transient, Graph does not).
 */

export type BackoffPolicy = { baseMs: number; maxMs: number };

/**
 * The longest wait any server's Retry-After can impose. A garbled or hostile value (a year, 1e14 s) parked a
 * notification beyond any use, or past the largest date PostgreSQL and JavaScript hold (the write failed).
 */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Retry-After is delta-seconds (digits only) or an HTTP date (RFC 9110 §10.2.3); milliseconds from `now`
 * (at most MAX_RETRY_AFTER_MS), or undefined when absent or garbled ("0x10", "1e3", "-5" are not delta-seconds).
 */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(MAX_RETRY_AFTER_MS, Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return undefined; // a number, but not delta-seconds (an HTTP date has a weekday and month)
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/**
 * Exponential backoff with equal jitter for the n-th attempt (1-based): half fixed, half random, so
 * callers that failed together (replicas, a burst of sends) do not retry in step.
 */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** How long to wait after a failed attempt: the server's Retry-After when it gave one, else backoff. */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, retryAfterMs?: number, random?: () => number): number {
  return retryAfterMs ?? backoffMs(attempt, policy, random);
}

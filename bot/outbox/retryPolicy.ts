/**
 * What to do after a failed delivery, from the Bot Connector's answer: Teams asks us to slow down
 * (429 + Retry-After), has a transient fault (412/502/503/504, network), or refuses for good
 * (403 with a subcode saying why, 404 conversation gone, any other 4xx).
 * Timing comes from services/retry.ts, the one retry helper (Graph uses it too).
 */
import { backoffMs, parseRetryAfterMs, retryDelayMs, type BackoffPolicy } from '../../services/retry';

export type { BackoffPolicy };

export type DeliveryError = { status?: number; code?: string; retryAfterMs?: number; message: string };

export type Decision =
  | { action: 'retry'; delayMs: number; error: string }
  | { action: 'dead'; error: string; unreachableReason?: string; dropConversation?: boolean };

/** Teams documents 412 (a concurrent change to the conversation), 502, 503 and 504 as transient; 500 is treated alike. */
const TRANSIENT = new Set([412, 500, 502, 503, 504]);

/** Reads status, error code and Retry-After from what botbuilder's connector client throws. */
export function describeError(e: unknown): DeliveryError {
  if (!(e instanceof Error)) return { message: String(e) };
  const err = e as Error & { statusCode?: unknown; code?: unknown; response?: { headers?: { get?: (n: string) => string | undefined } } };
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const header = typeof err.response?.headers?.get === 'function' ? err.response.headers.get('retry-after') : undefined;
  return { status, code, retryAfterMs: parseRetryAfterMs(header), message: err.message };
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
    return { action: 'retry', delayMs: retryDelayMs(attempts, policy, err.retryAfterMs, random), error };
  }
  if (err.status === undefined || TRANSIENT.has(err.status)) {
    if (attempts >= maxAttempts) return giveUp();
    return { action: 'retry', delayMs: backoffMs(attempts, policy, random), error };
  }
  if (err.status === 403) return { action: 'dead', error, unreachableReason: err.code ?? 'Forbidden' };
  if (err.status === 404) return { action: 'dead', error, dropConversation: true };
  return { action: 'dead', error };
}

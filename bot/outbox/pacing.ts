import Bottleneck from 'bottleneck';

/**
 * Keeps proactive sends under Teams' limits. Per conversation the limits are sliding windows
 * (7 in any 1 s, 8 in any 2 s, 60 in any 30 s, 1800 in any hour); Bottleneck's reservoirs refill on
 * fixed ticks and would let 14 through across a tick, so each conversation gets a one-at-a-time
 * Bottleneck limiter (which also keeps its messages in order) and the windows are checked against
 * the real send times. Per tenant, a Bottleneck minTime spaces requests to the configured rate.
 * Limits are per process: with several replicas, 429 + Retry-After is the backstop.
 */

/** [window ms, max sends] — Teams' published per-bot, per-conversation limits. */
export const TEAMS_CONVERSATION_LIMITS: ReadonlyArray<readonly [number, number]> = [
  [1000, 7],
  [2000, 8],
  [30_000, 60],
  [3_600_000, 1800],
];

/** Loopback/network jitter between our send and Teams' clock; windows are widened by it. */
const MARGIN_MS = 40;

export type Paced<T> = { sent: true; value: T } | { sent: false; retryAt: number };

type ConversationState = { times: number[]; pausedUntil: number };

export class Pacer {
  private conversations: Bottleneck.Group;
  private tenants: Bottleneck.Group;
  private state = new Map<string, ConversationState>();
  private longest: number;

  constructor(
    tenantRatePerSecond: number,
    private limits: ReadonlyArray<readonly [number, number]> = TEAMS_CONVERSATION_LIMITS,
  ) {
    this.conversations = new Bottleneck.Group({ maxConcurrent: 1 });
    // 3 % slower than the limit: exact spacing let network jitter put rate+1 requests into one second (bench: three 429s a minute).
    this.tenants = new Bottleneck.Group({ minTime: tenantRatePerSecond > 0 ? Math.ceil(1000 / (tenantRatePerSecond * 0.97)) : 0 });
    this.longest = Math.max(...limits.map(([w]) => w));
  }

  /**
   * Runs `send` when the conversation and tenant allow it. If that would be after `deadline`
   * (e.g. the row's lease), it does not send and says when to try again instead.
   */
  schedule<T>(tenantId: string, conversationId: string, deadline: number, send: () => Promise<T>): Promise<Paced<T>> {
    return this.conversations.key(conversationId).schedule(async (): Promise<Paced<T>> => {
      const s = this.stateOf(conversationId);
      const wait = this.waitMs(s, Date.now());
      if (Date.now() + wait > deadline) return { sent: false, retryAt: Date.now() + wait };
      if (wait > 0) await sleep(wait);
      // Waiting for the tenant only ever moves the send later, which keeps every window satisfied.
      const value = await this.tenants.key(tenantId || 'unknown').schedule(() => {
        s.times.push(Date.now());
        return send();
      });
      return { sent: true, value };
    });
  }

  /** Teams said 429 for this conversation: hold everything for it until `untilMs`. */
  pause(conversationId: string, untilMs: number): void {
    const s = this.stateOf(conversationId);
    s.pausedUntil = Math.max(s.pausedUntil, untilMs);
  }

  async stop(): Promise<void> {
    await Promise.all([this.conversations.disconnect(false), this.tenants.disconnect(false)]);
  }

  private stateOf(conversationId: string): ConversationState {
    let s = this.state.get(conversationId);
    if (!s) {
      s = { times: [], pausedUntil: 0 };
      this.state.set(conversationId, s);
      if (this.state.size % 500 === 0) this.prune(Date.now());
    }
    return s;
  }

  private waitMs(s: ConversationState, now: number): number {
    s.times = s.times.filter((t) => t > now - this.longest - MARGIN_MS);
    let wait = Math.max(0, s.pausedUntil - now);
    for (const [windowMs, max] of this.limits) {
      const w = windowMs + MARGIN_MS;
      const inWindow = s.times.filter((t) => t > now - w);
      if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max]! + w - now);
    }
    return wait;
  }

  /** Forgets conversations idle for longer than the longest window. */
  private prune(now: number): void {
    for (const [id, s] of this.state) {
      const last = s.times[s.times.length - 1] ?? 0;
      if (last < now - this.longest && s.pausedUntil < now) this.state.delete(id);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

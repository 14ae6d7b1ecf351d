import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { prng } from '../helpers/prng';

/**
 * A local stand-in for the Bot Connector service (the `serviceUrl` of test activities), speaking its
 * real wire format: `/v3/conversations/...` JSON in, `{ "id": ... }` out, errors as
 * `{ "error": { "code", "message" } }`. It records every request, dedupes messages on
 * `channelData.dedupeKey` (so a test can assert what the user actually saw), injects faults per
 * conversation or at random, and can enforce Teams' per-conversation rate limits.
 */

export type Subcode = 'BotNotInConversationRoster' | 'ConversationBlockedByUser' | 'BotDisabledByAdmin';
export type Fault =
  | { status: 429; retryAfterSeconds?: number }
  | { status: 412 | 502 | 503 | 504 }
  | { status: 403; subcode: Subcode }
  | { status: 404 }
  | { hang: true };

export type RecordedRequest = {
  method: string;
  path: string;
  conversationId?: string;
  /** The activity id in the path (reply-to for POST, the edited activity for PUT). */
  pathActivityId?: string;
  body: unknown;
  timestamp: number;
  /** HTTP status answered; 0 while a hung request is still open. */
  status: number;
  /** The id the stub gave the activity (successful POST/PUT). */
  activityId?: string;
  /** A message whose dedupe key was already delivered: answered as success, not shown twice. */
  duplicate: boolean;
};

export type StubActivity = {
  type?: string;
  id?: string;
  text?: string;
  attachments?: Array<{ contentType?: string; content?: unknown }>;
  channelData?: { dedupeKey?: string } & Record<string, unknown>;
  [k: string]: unknown;
};

export type DeliveredMessage = { conversationId: string; activityId: string; activity: StubActivity; timestamp: number };

export type Member = { id: string; name?: string; aadObjectId?: string; email?: string; userPrincipalName?: string; tenantId?: string };

/** Teams' published per-conversation limits for a bot: [window ms, max requests]. */
export const TEAMS_CONVERSATION_LIMITS: Array<[number, number]> = [
  [1000, 7],
  [2000, 8],
  [30_000, 60],
  [3_600_000, 1800],
];

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

export class ConnectorStub {
  readonly requests: RecordedRequest[] = [];
  /** First delivery of each message, in arrival order. */
  readonly delivered: DeliveredMessage[] = [];
  /** PUT bodies (card updates in place). */
  readonly updated: DeliveredMessage[] = [];
  readonly members = new Map<string, Member>();
  private server!: http.Server;
  private sockets = new Set<Socket>();
  private hung = new Set<http.ServerResponse>();
  private faults = new Map<string, Array<{ fault: Fault; left: number }>>();
  private chaosMode: {
    rate: number;
    statuses: Array<429 | 503 | 502 | 504 | 412>;
    random: () => number;
    retryAfterSeconds: number;
  } | null = null;
  private limits: Array<[number, number]> | null = null;
  private answerDelayMs = 0;
  private timers = new Set<NodeJS.Timeout>();
  private seenKeys = new Map<string, string>();
  private nextId = 1;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const r of this.hung) r.destroy();
    this.hung.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops the connections of hung requests (their callers see a network error). */
  releaseHung(): void {
    for (const r of this.hung) r.destroy();
    this.hung.clear();
  }

  /** The next `times` requests to this conversation answer with `fault`. */
  fail(conversationId: string, fault: Fault, opts: { times?: number } = {}): void {
    const list = this.faults.get(conversationId) ?? [];
    list.push({ fault, left: opts.times ?? 1 });
    this.faults.set(conversationId, list);
  }

  /** Every message/update request fails with probability `rate`, with one of `statuses`. */
  chaos(opts: { rate: number; statuses: Array<429 | 503 | 502 | 504 | 412>; seed?: number; retryAfterSeconds?: number } | null): void {
    this.chaosMode = opts
      ? { rate: opts.rate, statuses: opts.statuses, random: prng(opts.seed ?? 42), retryAfterSeconds: opts.retryAfterSeconds ?? 1 }
      : null;
  }

  /**
   * Delivered messages are answered only after `ms` (status stays 0 until then): a bot that dies in
   * that gap has had its message shown without learning it, the case that can cause a resend.
   */
  answerAfter(ms: number): void {
    this.answerDelayMs = ms;
  }

  /** Answer 429 (Retry-After) when a conversation exceeds Teams' limits (pass `false` to stop). */
  enforceTeamsLimits(limits: Array<[number, number]> | false = TEAMS_CONVERSATION_LIMITS): void {
    this.limits = limits || null;
  }

  addMember(m: Member): void {
    this.members.set(m.id, m);
    if (m.aadObjectId) this.members.set(m.aadObjectId, m);
  }

  /** Messages the user saw (deduped), optionally in one conversation. */
  sent(conversationId?: string): DeliveredMessage[] {
    return conversationId ? this.delivered.filter((d) => d.conversationId === conversationId) : [...this.delivered];
  }

  updates(conversationId?: string, activityId?: string): DeliveredMessage[] {
    return this.updated.filter(
      (u) => (!conversationId || u.conversationId === conversationId) && (!activityId || u.activityId === activityId),
    );
  }

  /** Messages re-sent with a dedupe key already delivered (the user did not see them again). */
  duplicates(conversationId?: string): number {
    return this.requests.filter((r) => r.duplicate && (!conversationId || r.conversationId === conversationId)).length;
  }

  /** Adaptive Card contents of the messages delivered to a conversation, in order. */
  cardsIn(conversationId: string): unknown[] {
    return this.sent(conversationId).flatMap((d) =>
      (d.activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE).map((a) => a.content),
    );
  }

  /** Timestamps of every message request (POST to activities) per conversation, whatever the answer. */
  attemptTimes(conversationId: string): number[] {
    return this.requests
      .filter((r) => r.conversationId === conversationId && r.method === 'POST' && r.path.includes('/activities'))
      .map((r) => r.timestamp);
  }

  async waitFor(predicate: (stub: this) => boolean, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > until) throw new Error(`ConnectorStub.waitFor: condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return this.reply(res, undefined, 400, { error: { code: 'BadSyntax', message: 'Request body is not JSON' } });
      }
      this.route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://stub').pathname, body, res);
    });
  }

  private route(method: string, path: string, body: unknown, res: http.ServerResponse): void {
    const rec: RecordedRequest = { method, path, body, timestamp: Date.now(), status: 0, duplicate: false };
    this.requests.push(rec);
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    // seg: ['v3', 'conversations', id?, 'activities'|'members', sub?]
    if (seg[0] !== 'v3' || seg[1] !== 'conversations')
      return this.reply(res, rec, 404, { error: { code: 'NotFound', message: `No route ${method} ${path}` } });

    if (seg.length === 2 && method === 'POST') return this.createConversation(rec, body, res);
    const conversationId = seg[2]!;
    rec.conversationId = conversationId;

    if (seg[3] === 'members' && method === 'GET') {
      const m = seg[4] ? this.members.get(seg[4]) : undefined;
      if (!m)
        return this.reply(res, rec, 404, {
          error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation' },
        });
      return this.reply(res, rec, 200, m);
    }
    if (seg[3] !== 'activities' || (method !== 'POST' && method !== 'PUT')) {
      return this.reply(res, rec, 404, { error: { code: 'NotFound', message: `No route ${method} ${path}` } });
    }
    rec.pathActivityId = seg[4];
    if (method === 'PUT' && !seg[4]) return this.reply(res, rec, 400, { error: { code: 'BadArgument', message: 'Missing activity id' } });

    if (this.injectFault(rec, conversationId, res)) return;

    const activity = (body ?? {}) as StubActivity;
    if (method === 'PUT') {
      const activityId = seg[4]!;
      rec.activityId = activityId;
      this.updated.push({ conversationId, activityId, activity, timestamp: rec.timestamp });
      return this.reply(res, rec, 200, { id: activityId });
    }
    const key = activity.channelData?.dedupeKey;
    const known = key ? this.seenKeys.get(`${conversationId}\u0000${key}`) : undefined;
    if (known) {
      rec.duplicate = true;
      rec.activityId = known;
      return this.reply(res, rec, 201, { id: known });
    }
    const activityId = `1:${this.nextId++}`;
    rec.activityId = activityId;
    if (key) this.seenKeys.set(`${conversationId}\u0000${key}`, activityId);
    this.delivered.push({ conversationId, activityId, activity, timestamp: rec.timestamp });
    if (this.answerDelayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) this.reply(res, rec, 201, { id: activityId });
      }, this.answerDelayMs);
      this.timers.add(t);
      return;
    }
    return this.reply(res, rec, 201, { id: activityId });
  }

  /** Teams 1:1 creation: the same member always gets the same conversation id. */
  private createConversation(rec: RecordedRequest, body: unknown, res: http.ServerResponse): void {
    const b = (body ?? {}) as { members?: Array<{ id?: string }>; channelData?: { tenant?: { id?: string } } };
    const memberId = b.members?.[0]?.id;
    if (!memberId) return this.reply(res, rec, 400, { error: { code: 'BadArgument', message: 'members is required' } });
    const id = `a:personal-${Buffer.from(memberId).toString('base64url')}`;
    rec.conversationId = id;
    return this.reply(res, rec, 201, { id });
  }

  private injectFault(rec: RecordedRequest, conversationId: string, res: http.ServerResponse): boolean {
    if (this.limits) {
      const times = this.requests
        // Teams counts every request to the conversation: messages and card updates alike.
        .filter((r) => r !== rec && r.conversationId === conversationId && (r.method === 'POST' || r.method === 'PUT'))
        .map((r) => r.timestamp);
      for (const [windowMs, max] of this.limits) {
        const inWindow = times.filter((t) => t > rec.timestamp - windowMs).length;
        if (inWindow >= max) {
          this.reply(
            res,
            rec,
            429,
            { error: { code: 'Throttled', message: `More than ${max} requests in ${windowMs} ms` } },
            { 'Retry-After': '1' },
          );
          return true;
        }
      }
    }
    const list = this.faults.get(conversationId);
    const entry = list?.find((f) => f.left > 0);
    let fault: Fault | undefined;
    if (entry) {
      entry.left -= 1;
      fault = entry.fault;
    } else if (this.chaosMode && this.chaosMode.random() < this.chaosMode.rate) {
      const s = this.chaosMode.statuses[Math.floor(this.chaosMode.random() * this.chaosMode.statuses.length)]!;
      fault = s === 429 ? { status: 429, retryAfterSeconds: this.chaosMode.retryAfterSeconds } : { status: s };
    }
    if (!fault) return false;
    if ('hang' in fault) {
      this.hung.add(res);
      return true;
    }
    switch (fault.status) {
      case 429:
        this.reply(
          res,
          rec,
          429,
          { error: { code: 'Throttled', message: 'Too many requests' } },
          { 'Retry-After': String(fault.retryAfterSeconds ?? 1) },
        );
        break;
      case 403:
        this.reply(res, rec, 403, { error: { code: fault.subcode, message: `Forbidden: ${fault.subcode}` } });
        break;
      case 404:
        this.reply(res, rec, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
        break;
      default:
        this.reply(res, rec, fault.status, {
          error: { code: fault.status === 412 ? 'PreconditionFailed' : 'ServiceError', message: `Status ${fault.status}` },
        });
    }
    return true;
  }

  private reply(
    res: http.ServerResponse,
    rec: RecordedRequest | undefined,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (rec) rec.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }
}

export async function startConnectorStub(): Promise<ConnectorStub> {
  return new ConnectorStub().start();
}

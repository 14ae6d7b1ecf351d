import './lib/env';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createAdapter } from '../bot/adapter';
import { tenantBudget } from '../bot/outbox/pacing';
import { startOutboxWorker } from '../bot/outbox/worker';
import { renderNotification } from '../cards';
import { loadConfig } from '../services/config';
import { notificationPayload } from '../services/notifications';
import { startConnectorStub } from '../test/stubs/connector';
import { populateDemo } from './lib/population';
import { type BenchPostgres } from './lib/postgres';
import { type PartResult } from './lib/report';
import { median, percentile, round, summarise, table } from './lib/stats';
import { TenantLimiter } from './lib/tenantLimiter';

/**
 * Part 3 — outbox pacing. 10,000 notifications across 500 conversations of one tenant, delivered by
 * the real outbox worker to the connector stub enforcing Teams' per-conversation limits, behind a
 * per-tenant rate limit. With 500 conversations the tenant rate binds (500 × 60/30 s = 1000/s per
 * conversation allowance), so the allowed rate is the tenant rate. Delivery is measured over a fixed
 * window after a warm-up (BENCH_OUTBOX_SECONDS, default 60) and the full run is extrapolated;
 * BENCH_OUTBOX_FULL=1 delivers all 10,000 instead (about 6 minutes at 30/s).
 */
export type OutboxOptions = {
  notifications: number;
  conversations: number;
  warmupSeconds: number;
  windowSeconds: number;
  full: boolean;
  tenantRatePerSecond: number;
};

export const outboxDefaults = (): OutboxOptions => ({
  notifications: Number(process.env.BENCH_OUTBOX_NOTIFICATIONS ?? 10_000),
  conversations: Number(process.env.BENCH_OUTBOX_CONVERSATIONS ?? 500),
  warmupSeconds: 5,
  windowSeconds: Number(process.env.BENCH_OUTBOX_SECONDS ?? 60),
  full: process.env.BENCH_OUTBOX_FULL === '1',
  tenantRatePerSecond: loadConfig({ OUTBOX_TENANT_RATE_PER_SECOND: process.env.OUTBOX_TENANT_RATE_PER_SECOND }).outbox.tenantRatePerSecond,
});

const TENANT = 'bench-outbox-tenant';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchOutbox(pg: BenchPostgres, o: OutboxOptions = outboxDefaults()): Promise<PartResult> {
  const started = Date.now();
  const database = await pg.database('bench_outbox');
  const { db } = database;
  const stub = await startConnectorStub();
  stub.enforceTeamsLimits();
  const limiter = await new TenantLimiter(stub.url, o.tenantRatePerSecond).start();
  const [claim] = await populateDemo(db, 1);
  const conversationIds = Array.from({ length: o.conversations }, (_, i) => `a:bench-outbox-${i}`);
  await db.conversationRef.createMany({
    data: conversationIds.map((id) => ({
      conversationId: id,
      conversationType: 'personal',
      serviceUrl: limiter.url,
      tenantId: TENANT,
      reference: {
        channelId: 'msteams',
        serviceUrl: limiter.url,
        conversation: { id, conversationType: 'personal', tenantId: TENANT },
        bot: { id: '28:bench', name: 'Co-op Claims' },
        locale: 'en-US',
      },
    })),
  });
  // Written as events happen: interleaved across conversations, oldest first.
  const base = Date.now() - 60_000;
  for (let start = 0; start < o.notifications; start += 2000) {
    await db.outboxMessage.createMany({
      data: Array.from({ length: Math.min(2000, o.notifications - start) }, (_, j) => {
        const i = start + j;
        return {
          dedupeKey: `bench-${i}`,
          conversationId: conversationIds[i % o.conversations]!,
          claimId: claim!.claimId,
          kind: 'expiry_warning',
          payload: {
            kind: 'expiry_warning',
            claimId: claim!.claimId,
            number: claim!.number,
            name: 'Bench seminar',
            deadline: '2026-12-31',
          },
          createdAt: new Date(base + i),
          nextAttemptAt: new Date(base + i),
        };
      }),
    });
  }
  const config = loadConfig({ LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '100', OUTBOX_TENANT_RATE_PER_SECOND: String(o.tenantRatePerSecond) });
  const c0 = await pg.counters(database.name);
  // The worker, the limiter and the stub share this event loop: a stall here delays sends whatever the pacing.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const t0 = Date.now();
  const worker = startOutboxWorker({
    db,
    adapter: createAdapter(config),
    appId: '',
    config: config.outbox,
    log: pino({ level: 'silent' }),
    render: (payload, locale) => renderNotification(notificationPayload.parse(payload), locale),
  });
  process.stdout.write(
    `outbox: ${o.notifications} notifications, ${o.conversations} conversations, tenant rate ${o.tenantRatePerSecond}/s; ${o.full ? 'delivering all' : `measuring ${o.windowSeconds}s after ${o.warmupSeconds}s warm-up`}\n`,
  );
  try {
    const until = o.full ? t0 + 3_600_000 : t0 + (o.warmupSeconds + o.windowSeconds) * 1000;
    while (Date.now() < until && stub.delivered.length < o.notifications) await sleep(250);
    const end = Date.now();
    loopDelay.disable();
    const delivered = stub.delivered.map((d) => d.timestamp);
    const from = o.full ? t0 : t0 + o.warmupSeconds * 1000;
    const to = o.full ? (delivered[delivered.length - 1] ?? end) : end;
    const inWindow = delivered.filter((t) => t >= from && t <= to).length;
    const rate = inWindow / ((to - from) / 1000);
    const stub429 = stub.requests.filter((r) => r.status === 429).length;
    const throttled = stub429 + limiter.throttled;
    const allowed = Math.min(o.tenantRatePerSecond, o.conversations * (60 / 30));
    const perConversationMax = Math.max(...conversationIds.map((id) => stub.sent(id).length));
    const attempts = stub.requests.filter((r) => r.method === 'POST' && r.path.includes('/activities')).length;
    // Where the rate goes. The pacer holds the tenant to `limit` sends in any window (1 s plus a margin,
    // bot/outbox/pacing.ts tenantBudget): under a steady backlog that is one send every windowMs / limit;
    // a longer gap is time lost. How close it came to a 429: the shortest time that limit + 1
    // consecutive arrivals took (the limiter answers 429 below 1000 ms).
    const budget = tenantBudget(o.tenantRatePerSecond);
    const evenMs = budget ? budget.windowMs / budget.limit : 0;
    const arrivals = limiter.arrivals.filter((t) => t >= from && t <= to);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    const g = summarise(gaps);
    const lostMs = gaps.reduce((a, x) => a + Math.max(0, x - evenMs), 0);
    const span = o.tenantRatePerSecond + 1;
    const spans = limiter.arrivals.slice(span - 1).map((t, i) => t - limiter.arrivals[i]!);
    const pacing = {
      budget,
      evenSpacingMs: round(evenMs, 2),
      nominalRatePerSecond: round(budget?.nominalPerSecond ?? 0),
      nominalOfAllowed: round((budget?.nominalPerSecond ?? 0) / o.tenantRatePerSecond, 3),
      tightestSpanMs: spans.length ? Math.min(...spans) : null,
      gapP50Ms: g.p50,
      gapP90Ms: round(
        percentile(
          [...gaps].sort((a, b) => a - b),
          90,
        ),
      ),
      gapP99Ms: g.p99,
      gapMaxMs: g.max,
      gapMeanMs: g.mean,
      gapsOver2xEven: gaps.filter((x) => x > 2 * evenMs).length,
      msLostBeyondEven: round(lostMs, 0),
      // How many sends lie between two long gaps: ≈ the batch size when the pipeline empties between batches.
      sendsBetweenLongGaps: median(
        gaps
          .map((x, i) => (x > 2 * evenMs ? i : -1))
          .filter((i) => i >= 0)
          .map((i, k, a) => (k ? i - a[k - 1]! : NaN))
          .filter((n) => Number.isFinite(n)),
      ),
      statementsPerDelivery: null as number | null,
      eventLoopDelayP50Ms: round(loopDelay.percentile(50) / 1e6, 1),
      eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 1),
      eventLoopDelayMaxMs: round(loopDelay.max / 1e6, 1),
    };
    const c1 = await pg.counters(database.name);
    if (c0.statements !== null && c1.statements !== null && delivered.length)
      pacing.statementsPerDelivery = round((c1.statements - c0.statements) / delivered.length, 1);
    const figures = {
      options: o,
      pacing,
      delivered: delivered.length,
      attempts,
      duplicates: stub.duplicates(),
      windowSeconds: round((to - from) / 1000, 1),
      deliveredInWindow: inWindow,
      ratePerSecond: round(rate),
      allowedRatePerSecond: allowed,
      ofAllowed: round(rate / allowed, 3),
      throttled429: throttled,
      throttledByConversationLimits: stub429,
      throttledByTenantLimit: limiter.throttled,
      maxPerConversation: perConversationMax,
      extrapolatedSecondsForAll: round(o.notifications / rate, 0),
    };
    process.stdout.write(
      `\nOutbox pacing\n` +
        table(
          ['figure', 'value'],
          [
            ['delivered (this run)', delivered.length],
            ['send attempts', attempts],
            [`delivery rate over ${figures.windowSeconds}s`, `${figures.ratePerSecond}/s`],
            ['allowed rate (tenant)', `${allowed}/s`],
            ['of allowed', `${Math.round(figures.ofAllowed * 1000) / 10} %`],
            ['429 answers', `${throttled} (conversation ${stub429}, tenant ${limiter.throttled})`],
            [
              'tenant budget → nominal rate',
              budget
                ? `${budget.limit} per ${budget.windowMs} ms, gap ≥ ${budget.minGapMs} ms → ${pacing.nominalRatePerSecond}/s = ${Math.round(pacing.nominalOfAllowed * 1000) / 10} % of allowed`
                : 'none',
            ],
            [`shortest time for ${span} consecutive arrivals (429 below 1000 ms)`, `${pacing.tightestSpanMs ?? 'n/a'} ms`],
            [
              'gaps between sends p50 / mean / p90 / p99 / max',
              `${pacing.gapP50Ms} / ${pacing.gapMeanMs} / ${pacing.gapP90Ms} / ${pacing.gapP99Ms} / ${pacing.gapMaxMs} ms`,
            ],
            [
              `time lost beyond the even spacing (${pacing.evenSpacingMs} ms)`,
              `${round(lostMs / 1000, 1)} s of ${figures.windowSeconds} s; ${pacing.gapsOver2xEven} gaps > ${round(2 * evenMs, 1)} ms, every ${pacing.sendsBetweenLongGaps} sends (median)`,
            ],
            ['SQL statements per delivery', pacing.statementsPerDelivery ?? 'n/a'],
            [
              'event loop delay p50 / p99 / max',
              `${pacing.eventLoopDelayP50Ms} / ${pacing.eventLoopDelayP99Ms} / ${pacing.eventLoopDelayMaxMs} ms`,
            ],
            [
              `time for all ${o.notifications}`,
              `${o.full ? round((to - t0) / 1000, 0) + ' s (measured)' : figures.extrapolatedSecondsForAll + ' s (extrapolated)'}`,
            ],
          ],
        ) +
        '\n',
    );
    return {
      part: 'outbox',
      seconds: round((Date.now() - started) / 1000, 1),
      figures,
      targets: [
        {
          name: 'outbox delivery vs the allowed tenant rate',
          target: '≥ 95 %',
          goal: '≥ 99 %',
          value: round(figures.ofAllowed * 100, 1),
          unit: '%',
          met: figures.ofAllowed >= 0.95,
          note: `${figures.ratePerSecond} of ${allowed}/s`,
        },
        { name: 'outbox 429 answers', target: '= 0', value: throttled, unit: '', met: throttled === 0 },
      ],
    };
  } finally {
    await worker.stop();
    await limiter.close();
    await stub.close();
    await database.drop();
  }
}

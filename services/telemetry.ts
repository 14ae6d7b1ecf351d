/**
 * What the product reports about itself: one span per turn, and the metrics an operator watches (turns and
 * their latency, outbox depth, deliveries by outcome and 429s, Graph calls). Only the OpenTelemetry API is used
 * here; services/telemetryStart.ts installs the SDK when an exporter is configured. When none is, every
 * function below returns at its first line: no span objects, no clocks read, nothing allocated.
 */
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type ObservableGauge,
  type Span,
} from '@opentelemetry/api';

const NAME = 'coop-claims';
let enabled = false;

type Instruments = {
  turns: Counter;
  turnDuration: Histogram;
  deliveries: Counter;
  throttled: Counter;
  graphCalls: Counter;
  graphDuration: Histogram;
  outboxDepth: ObservableGauge;
  outboxOldestDue: ObservableGauge;
};
let instruments: Instruments | null = null;

/** Called once by telemetryStart after the SDK is registered (meters taken before that would be no-ops). */
export function enableTelemetry(): void {
  enabled = true;
  const meter = metrics.getMeter(NAME);
  instruments = {
    turns: meter.createCounter('coop.turns', { description: 'Activities handled, by type and outcome' }),
    turnDuration: meter.createHistogram('coop.turn.duration', { description: 'Time to handle an activity', unit: 's' }),
    deliveries: meter.createCounter('coop.outbox.deliveries', { description: 'Notification send attempts, by outcome' }),
    throttled: meter.createCounter('coop.outbox.throttled', { description: 'Sends the Bot Connector answered with 429' }),
    graphCalls: meter.createCounter('coop.graph.calls', { description: 'Microsoft Graph requests, by method, route and status' }),
    graphDuration: meter.createHistogram('coop.graph.duration', { description: 'Microsoft Graph request time', unit: 's' }),
    outboxDepth: meter.createObservableGauge('coop.outbox.depth', { description: 'Notifications waiting: pending in total, and due now' }),
    outboxOldestDue: meter.createObservableGauge('coop.outbox.oldest_due_age', {
      description: 'Age of the oldest due notification nobody has claimed',
      unit: 's',
    }),
  };
}

export const telemetryEnabled = () => enabled;

/** What a turn span carries besides its activity: set by the handlers as they learn it. */
export type TurnFacts = { verb?: string; command?: string; outcome?: string };

/**
 * Runs one turn inside its span (`bot.turn <type>`): database and outbound HTTP spans made while it runs
 * are its children. The outcome defaults to `ok`, or `error` when the turn throws.
 */
export function traceTurn<T>(activity: { type?: unknown; name?: unknown; tenantId?: string }, run: () => Promise<T>): Promise<T> {
  return enabled ? tracedTurn(activity, run) : run();
}

async function tracedTurn<T>(activity: { type?: unknown; name?: unknown; tenantId?: string }, run: () => Promise<T>): Promise<T> {
  const type = typeof activity.type === 'string' ? activity.type : 'unknown';
  const attributes: Attributes = { 'coop.activity.type': type };
  if (typeof activity.name === 'string') attributes['coop.activity.name'] = activity.name;
  if (activity.tenantId) attributes['coop.tenant.id'] = activity.tenantId;
  const started = performance.now();
  return trace.getTracer(NAME).startActiveSpan(`bot.turn ${type}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    let outcome = 'ok';
    try {
      const result = await run();
      outcome = String(spanOutcome.get(span) ?? 'ok');
      return result;
    } catch (e) {
      outcome = 'error';
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.setAttribute('coop.outcome', outcome);
      span.end();
      const labels = { 'coop.activity.type': type, 'coop.outcome': outcome };
      instruments?.turns.add(1, labels);
      instruments?.turnDuration.record((performance.now() - started) / 1000, labels);
    }
  });
}

const spanOutcome = new WeakMap<Span, string>();

/** Adds what the handler learnt (the card verb or text command, the outcome) to the current turn's span. */
export function noteTurn(facts: TurnFacts): void {
  if (!enabled) return;
  const span = trace.getSpan(context.active());
  if (!span) return;
  if (facts.verb !== undefined) span.setAttribute('coop.verb', facts.verb);
  if (facts.command !== undefined) span.setAttribute('coop.command', facts.command);
  if (facts.outcome !== undefined) spanOutcome.set(span, facts.outcome);
}

/**
 * The ids pino adds to every log line written inside a span, so a log line leads to its trace. A new object
 * each time: pino merges the line's own fields into what the mixin returns.
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  if (!enabled) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const c = span.spanContext();
  return { trace_id: c.traceId, span_id: c.spanId };
}

export type DeliveryOutcome = 'sent' | 'retry' | 'dead';

/** One outbox send attempt settled; `status` is the connector's HTTP status when it answered. */
export function recordDelivery(outcome: DeliveryOutcome, status?: number): void {
  if (!instruments) return;
  instruments.deliveries.add(1, status ? { 'coop.outcome': outcome, 'http.response.status_code': status } : { 'coop.outcome': outcome });
  if (status === 429) instruments.throttled.add(1);
}

/** Graph ids (GUIDs, UPNs, drive item ids) become `{id}`, so routes stay a handful of metric series. */
export function graphRoute(url: string): string {
  const { pathname } = new URL(url);
  return pathname
    .split('/')
    .map((seg) => (/[0-9@]|^[A-Za-z0-9_-]{20,}$/.test(seg) && !/^v\d+\.\d+$/.test(seg) ? '{id}' : seg))
    .join('/')
    .replace(/root:.*:/, 'root:{path}:');
}

export function recordGraphCall(method: string, url: string, status: number, seconds: number): void {
  if (!instruments) return;
  const labels = { 'http.request.method': method, 'coop.graph.route': graphRoute(url), 'http.response.status_code': status };
  instruments.graphCalls.add(1, labels);
  instruments.graphDuration.record(seconds, labels);
}

export type OutboxDepth = { pending: number; due: number; oldestDueSeconds: number };

/**
 * Reports the outbox depth each time metrics are collected (once per export interval, never per turn).
 * Returns the function that stops it (the bot's close).
 */
export function observeOutboxDepth(read: () => Promise<OutboxDepth>): () => void {
  if (!instruments) return () => undefined;
  const { outboxDepth, outboxOldestDue } = instruments;
  const meter = metrics.getMeter(NAME);
  const callback = async (result: BatchObservableResult) => {
    const d = await read().catch(() => null);
    if (!d) return;
    result.observe(outboxDepth, d.pending, { 'coop.outbox.state': 'pending' });
    result.observe(outboxDepth, d.due, { 'coop.outbox.state': 'due' });
    result.observe(outboxOldestDue, d.oldestDueSeconds);
  };
  meter.addBatchObservableCallback(callback, [outboxDepth, outboxOldestDue]);
  return () => meter.removeBatchObservableCallback(callback, [outboxDepth, outboxOldestDue]);
}

/** Hooks that run when the bot closes, so the last spans and metrics leave before the process exits. */
let flushHook: (() => Promise<void>) | null = null;
export function onTelemetryFlush(hook: () => Promise<void>): void {
  flushHook = hook;
}
export async function flushTelemetry(): Promise<void> {
  await flushHook?.().catch(() => undefined);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { ALEX, executeActivity, messageActivity } from '../helpers/activities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { runMain, type MainProcess } from '../helpers/mainProcess';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startOtlpStub, type OtlpStub, type ReceivedSpan } from '../stubs/otlp';

// Building dist/ (scripts/build.js) can take a while on a loaded machine when sources changed.
jest.setTimeout(180_000);

const SERVER = 2;
const CLIENT = 3;

/**
 * Telemetry as an operator receives it: `node dist/bot/main.js` (what `npm start` runs) exports over OTLP/HTTP to
 * a local collector; one turn arrives as one trace with its database and outbound HTTP spans as children.
 */
describe('telemetry: OpenTelemetry over OTLP from the running bot', () => {
  let t: TestDatabase;
  let otlp: OtlpStub;
  let connector: ConnectorStub;
  let bot: MainProcess;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    [t, otlp, connector] = await Promise.all([freshDatabase({ migrate: false }), startOtlpStub(), startConnectorStub()]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-otel-'));
    bot = runMain({
      DATABASE_URL: t.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export soon instead of every 5 s (spans) and 60 s (metrics).
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    url = await bot.listening();
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([otlp.close(), connector.close(), t.drop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (activity: object) =>
    fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const childrenOf = (span: ReceivedSpan) => otlp.spans.filter((s) => s.parentSpanId === span.spanId);

  it('sends one trace per turn: HTTP request → bot.turn (type, command, tenant, outcome) → its queries and its reply', async () => {
    const conv = `a:personal-${ALEX.aadObjectId}`;
    expect((await post(messageActivity(ALEX, connector.url, 'help'))).status).toBe(200);
    await connector.waitFor((s) => s.sent(conv).length > 0);

    const isTurn = (s: ReceivedSpan) => s.name === 'bot.turn message' && s.attributes['coop.command'] === 'help';
    await otlp.waitFor('the help turn', () => otlp.spans.some(isTurn));
    const turn = otlp.spans.find(isTurn)!;
    expect(turn.attributes).toMatchObject({
      'coop.activity.type': 'message',
      'coop.command': 'help',
      'coop.tenant.id': DEMO_TENANT_ID,
      'coop.outcome': 'ok',
    });

    // Its parent: the inbound POST /api/messages (server span), in the same trace.
    const parent = otlp.spans.find((s) => s.spanId === turn.parentSpanId);
    expect(parent).toMatchObject({ kind: SERVER, traceId: turn.traceId });
    expect(parent!.attributes['http.method'] ?? parent!.attributes['http.request.method']).toBe('POST');
    expect(String(parent!.attributes['http.target'] ?? parent!.attributes['url.path'])).toBe('/api/messages');

    await otlp.waitFor('the turn’s children', () => childrenOf(turn).some((s) => s.kind === CLIENT && s.scope.includes('http')));
    const children = childrenOf(turn);
    // Database: the user, their roles, the conversation reference… each a pg span under the turn.
    const queries = children.filter((s) => s.scope.includes('pg') && s.name.startsWith('pg.query'));
    expect(queries.length).toBeGreaterThan(2);
    expect(queries.every((q) => q.traceId === turn.traceId && q.attributes['db.system'] === 'postgresql')).toBe(true);
    // Outbound HTTP: the reply to the Bot Connector.
    const reply = children.find((s) => s.kind === CLIENT && s.scope.includes('http'));
    expect(String(reply!.attributes['http.url'] ?? reply!.attributes['url.full'])).toContain(
      new URL(`/v3/conversations/${encodeURIComponent(conv)}/activities`, connector.url).href,
    );
    // Probes are not traced.
    await fetch(`${url}/readyz`);
    await new Promise((r) => setTimeout(r, 300));
    expect(otlp.spans.some((s) => String(s.attributes['http.target'] ?? s.attributes['url.path']) === '/readyz')).toBe(false);
  });

  it('names the card verb and the outcome, and the turn’s log line carries its trace id', async () => {
    const r = await post(executeActivity(ALEX, connector.url, 'claim.open', { claimId: 'not-a-claim' }));
    expect(r.status).toBe(200);
    const isTurn = (s: ReceivedSpan) => s.name === 'bot.turn invoke' && s.attributes['coop.verb'] === 'claim.open';
    await otlp.waitFor('the invoke turn', () => otlp.spans.some(isTurn));
    const turn = otlp.spans.find(isTurn)!;
    expect(turn.attributes).toMatchObject({ 'coop.activity.name': 'adaptiveCard/action', 'coop.outcome': 'malformed_card_data' });

    const line = bot
      .output()
      .split('\n')
      .filter((l) => l.includes('malformed card data'))
      .map((l) => JSON.parse(l) as { trace_id?: string; span_id?: string })[0];
    expect(line).toMatchObject({ trace_id: turn.traceId, span_id: turn.spanId });
  });

  it('exports metrics: turns by type and outcome, their latency, and the outbox depth', async () => {
    const invokes = () => otlp.latest('coop.turns', { 'coop.activity.type': 'invoke', 'coop.outcome': 'malformed_card_data' });
    await otlp.waitFor('turn metrics', () => invokes() !== undefined);
    expect(invokes()).toBe(1);
    expect(otlp.latest('coop.turns', { 'coop.activity.type': 'message', 'coop.outcome': 'ok' })).toBeGreaterThanOrEqual(1);
    expect(otlp.latest('coop.turn.duration', { 'coop.activity.type': 'message' })).toBeGreaterThanOrEqual(1);
    await otlp.waitFor('outbox depth', () => otlp.latest('coop.outbox.depth', { 'coop.outbox.state': 'pending' }) !== undefined);
    expect(otlp.latest('coop.outbox.depth', { 'coop.outbox.state': 'due' })).toBe(0);
    expect(otlp.exports.every((e) => e.contentType.startsWith('application/json'))).toBe(true);
  });
});

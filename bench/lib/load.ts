import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { executeActivity, messageActivity, refreshActivity } from '../../test/helpers/activities';
import type { SimUser } from './population';
import { prng } from '../../test/helpers/prng';

/** The kinds of turn a simulated user sends (issue #6: overview, detail, and three card actions). */
export type LoadKind = 'overview' | 'detail' | 'metric.add' | 'comment.add' | 'claim.history' | 'help';
/**
 * Further card verbs, sent one at a time by bench:diagnose: opening cards and forms, the automatic
 * refresh, and the lifecycle commands (each on a claim of its own in the right status).
 */
export type DiagnoseKind =
  | 'claim.open'
  | 'claim.refresh'
  | 'overview.open'
  | 'comment.form'
  | 'doc.add.form'
  | 'claim.edit.form'
  | 'reviews.open'
  | 'claim.submit'
  | 'review.start'
  | 'review.approve';
export type TurnKind = LoadKind | DiagnoseKind;
export const TURN_KINDS: LoadKind[] = ['overview', 'detail', 'metric.add', 'comment.add', 'claim.history'];
/** `help` (welcome card, no claim queries) is only used where many cheap turns are needed (memory). */
const ALL_KINDS: TurnKind[] = [
  ...TURN_KINDS,
  'help',
  'claim.open',
  'claim.refresh',
  'overview.open',
  'comment.form',
  'doc.add.form',
  'claim.edit.form',
  'reviews.open',
  'claim.submit',
  'review.start',
  'review.approve',
];
export const INVOKE_KINDS: TurnKind[] = ['metric.add', 'comment.add', 'claim.history'];

/** Relative weights of each kind in the mix. */
export type Mix = Partial<Record<TurnKind, number>>;
export const REALISTIC_MIX: Mix = { overview: 25, detail: 25, 'metric.add': 20, 'comment.add': 15, 'claim.history': 15 };

export type LoadResult = {
  latencies: Record<TurnKind, number[]>;
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  errors: number;
  errorSamples: string[];
  staleVersions: number;
};

export function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/api/messages',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The activity for one turn of `kind` by `u` (on `u.claimId` at `u.version` where the verb needs a claim). */
export function build(kind: TurnKind, u: SimUser, serviceUrl: string, r: () => number): object {
  const who = { aadObjectId: u.aadObjectId, name: u.name };
  const versioned = () => ({ claimId: u.claimId, version: u.version, idempotencyKey: crypto.randomUUID() });
  switch (kind) {
    case 'overview':
      return messageActivity(who, serviceUrl, 'claims');
    case 'help':
      return messageActivity(who, serviceUrl, 'help');
    case 'detail':
      return messageActivity(who, serviceUrl, `claim ${r() < 0.7 ? u.number : u.otherNumbers[Math.floor(r() * u.otherNumbers.length)]}`);
    case 'metric.add':
      // The same metric name each time: it replaces the previous value, as users correct a figure.
      return executeActivity(who, serviceUrl, 'metric.add', {
        claimId: u.claimId,
        version: u.version,
        idempotencyKey: crypto.randomUUID(),
        name: 'Registered guests',
        value: String(Math.floor(r() * 500)),
        details: '',
      });
    case 'comment.add':
      return executeActivity(who, serviceUrl, 'comment.add', {
        claimId: u.claimId,
        idempotencyKey: crypto.randomUUID(),
        text: 'Bench comment: venue confirmed.',
      });
    case 'claim.history':
      return executeActivity(who, serviceUrl, 'claim.history', { claimId: u.claimId });
    case 'claim.open':
    case 'comment.form':
    case 'claim.edit.form':
      return executeActivity(who, serviceUrl, kind, { claimId: u.claimId });
    case 'claim.refresh':
      return refreshActivity(who, serviceUrl, { claimId: u.claimId });
    case 'overview.open':
    case 'reviews.open':
      return executeActivity(who, serviceUrl, kind, {});
    case 'doc.add.form':
      return executeActivity(who, serviceUrl, kind, { claimId: u.claimId, kind: 'PROOF' });
    case 'claim.submit':
    case 'review.start':
    case 'review.approve':
      return executeActivity(who, serviceUrl, kind, versioned());
  }
}

/** The claim version in a card's action data (the card's own "version" is a string). */
export const VERSION_RE = /"version":\s*(\d+)[,}]/;

/**
 * Closed loop: each simulated user sends its next turn as soon as the previous one is answered
 * (no think time), so the figures are the server's capacity at this concurrency. Stops after
 * `seconds` or after `maxTurns` turns in total. `refreshVersion` re-reads a claim's version when a
 * metric.add was refused as stale (should not happen: each user is alone on their claim).
 */
export async function runLoad(opts: {
  url: string;
  serviceUrl: string;
  users: SimUser[];
  seconds?: number;
  maxTurns?: number;
  mix?: Mix;
  seed?: number;
  onProgress?: (turns: number) => Promise<void> | void;
  progressEvery?: number;
  refreshVersion?: (u: SimUser) => Promise<number>;
}): Promise<LoadResult> {
  const mix = Object.entries(opts.mix ?? REALISTIC_MIX) as Array<[TurnKind, number]>;
  const totalWeight = mix.reduce((s, [, w]) => s + w, 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.users.length });
  const url = new URL(opts.url);
  const latencies = Object.fromEntries(ALL_KINDS.map((k) => [k, [] as number[]])) as Record<TurnKind, number[]>;
  let turns = 0;
  let errors = 0;
  let staleVersions = 0;
  const errorSamples: string[] = [];
  const start = performance.now();
  const end = opts.seconds ? start + opts.seconds * 1000 : Infinity;
  const maxTurns = opts.maxTurns ?? Infinity;
  let nextProgress = opts.progressEvery ?? Infinity;
  let paused: Promise<void> | null = null;

  const fail = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what.slice(0, 300));
  };

  async function user(u: SimUser, idx: number): Promise<void> {
    const r = prng((opts.seed ?? 1) * 1000 + idx);
    while (performance.now() < end && turns < maxTurns) {
      if (paused) await paused;
      let pick = r() * totalWeight;
      const kind = mix.find(([, w]) => (pick -= w) < 0)?.[0] ?? mix[0]![0];
      const body = JSON.stringify(build(kind, u, opts.serviceUrl, r));
      const t0 = performance.now();
      let res: { status: number; text: string };
      try {
        res = await post(agent, url, body);
      } catch (e) {
        fail(`${kind}: ${(e as Error).message}`);
        continue;
      }
      const ms = performance.now() - t0;
      turns++;
      if (res.status < 200 || res.status >= 300) {
        fail(`${kind}: HTTP ${res.status} ${res.text}`);
      } else {
        latencies[kind].push(ms);
        if (kind === 'metric.add' && opts.refreshVersion) {
          const m = VERSION_RE.exec(res.text);
          const v = m ? Number(m[1]) : NaN;
          if (v === u.version + 1) u.version = v;
          else {
            staleVersions++;
            u.version = await opts.refreshVersion(u);
          }
        }
      }
      if (turns >= nextProgress && opts.onProgress) {
        nextProgress += opts.progressEvery!;
        // Every user waits while the progress hook runs (e.g. a memory reading at exactly N turns).
        let release!: () => void;
        paused = new Promise((res) => (release = res));
        await opts.onProgress(turns);
        paused = null;
        release();
      }
    }
  }

  await Promise.all(opts.users.map((u, i) => user(u, i)));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, turns, seconds, turnsPerSecond: turns / seconds, errors, errorSamples, staleVersions };
}

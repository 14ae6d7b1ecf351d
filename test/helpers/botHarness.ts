import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBot, type RunningBot } from '../../bot/app';
import { loadConfig } from '../../services/config';
import type { GraphOptions } from '../../services/graph';
import { makeWorld, type World } from './world';

export type BotHarness = {
  world: World;
  bot: RunningBot;
  /** POSTs an activity to /api/messages like the Bot Connector does; returns the HTTP answer (invoke responses carry a body). */
  post: (activity: object) => Promise<{ status: number; body: unknown }>;
  close: () => Promise<void>;
};

/** The real bot server on a free port against a fresh seeded database. `env` overrides configuration. */
export async function startBotHarness(env: Record<string, string> = {}, opts: { graph?: GraphOptions } = {}): Promise<BotHarness> {
  const world = await makeWorld();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-bot-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: world.t.url,
    DATA_DIR: dataDir,
    DOWNLOAD_ALLOW_LOOPBACK: 'true',
    DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1,localhost',
    OUTBOX_POLL_MS: '50',
    SCHEDULER_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const bot = await startBot({ config, db: world.db, clock: world.clock, graph: opts.graph });
  const post = async (activity: object) => {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  };
  return {
    world,
    bot,
    post,
    close: async () => {
      await bot.close();
      await world.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

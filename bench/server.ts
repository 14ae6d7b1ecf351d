import './lib/env';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBot } from '../bot/app';
import { loadConfig } from '../services/config';
import { createDb } from '../services/db/client';
import { startEchoBot } from './echoBot';
import { memoryBreakdown } from './lib/proc';

/**
 * A bot server in its own process, so the load generator and the connector stub do not share its
 * event loop or its heap. Driven over IPC by bench/lib/child.ts:
 *   argv: coop <databaseUrl> [<JSON of further configuration variables>] | echo
 *   → { ready: url }
 *   ← { cmd: 'memory' } → { memory: MemoryBreakdown } (after gc when exposed)
 *   ← { cmd: 'cpu' }    → { cpu: NodeJS.CpuUsage } (µs of this process since it started)
 *   ← { cmd: 'stop' }
 */
async function main(): Promise<void> {
  const [kind, databaseUrl, extra] = process.argv.slice(2);
  let close: () => Promise<void>;
  let url: string;
  if (kind === 'coop') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-bench-data-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SCHEDULER_INTERVAL_SECONDS: '3600',
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'false',
      ...(extra ? (JSON.parse(extra) as Record<string, string>) : {}),
    });
    const db = createDb(databaseUrl!);
    const bot = await startBot({ config, db });
    url = bot.url;
    close = async () => {
      await bot.close();
      await db.$disconnect();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  } else if (kind === 'echo') {
    const echo = await startEchoBot();
    url = echo.url;
    close = echo.close;
  } else {
    throw new Error(`unknown server kind ${kind}`);
  }
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      // V8 hands freed pages back to the system from a background thread: read once that has happened,
      // or RSS swings by tens of MB from one reading to the next with nothing retained.
      setTimeout(() => {
        gc?.();
        process.send!({ memory: memoryBreakdown() });
      }, 300);
    } else if (m.cmd === 'cpu') {
      process.send!({ cpu: process.cpuUsage() });
    } else if (m.cmd === 'stop') {
      void close().finally(() => process.exit(0));
    }
  });
  process.send!({ ready: url });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

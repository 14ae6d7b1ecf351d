import './lib/env';
import { benchCards } from './cards';
import { benchClient } from './client';
import { benchDiagnose } from './diagnose';
import { benchMemory } from './memory';
import { benchOutbox } from './outbox';
import { benchQueries } from './queries';
import { startBenchPostgres } from './lib/postgres';
import { machine, printTargets, writeResults, type PartResult } from './lib/report';
import { benchTurns } from './turns';

/**
 * `npm run bench`: every part in turn on one embedded PostgreSQL (a separate database each), then
 * every target with its figure, and the JSON under bench/results/. `node dist/bench/run.js turns memory`
 * runs only the parts named.
 */
// In the order of issue #13's table (card rendering and the client explain the single-user figures).
const PARTS = {
  turns: benchTurns,
  diagnose: benchDiagnose,
  cards: benchCards,
  client: benchClient,
  outbox: benchOutbox,
  memory: benchMemory,
  queries: benchQueries,
} as const;
type Part = keyof typeof PARTS;

async function main(): Promise<void> {
  const wanted = (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(PARTS)) as Part[];
  for (const w of wanted) if (!(w in PARTS)) throw new Error(`unknown part "${w}" (parts: ${Object.keys(PARTS).join(', ')})`);
  const started = new Date();
  const pg = await startBenchPostgres();
  const m = machine(pg.version);
  process.stdout.write(
    `Co-op Claims benchmarks — ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}, PostgreSQL ${m.postgres}, commit ${m.commit.slice(0, 10)}${m.dirty ? ' (+ local changes)' : ''}\n\n`,
  );
  const results: PartResult[] = [];
  try {
    for (const part of wanted) {
      results.push(await PARTS[part](pg));
      process.stdout.write(`(${part}: ${results[results.length - 1]!.seconds} s)\n\n`);
    }
  } finally {
    await pg.stop();
  }
  const targets = results.flatMap((r) => r.targets);
  const turns = results.find((r) => r.part === 'turns')?.figures.cpuPerTurnMs as
    { ours: number; bot: number; postgres: number | null; echo: number } | undefined;
  if (turns)
    process.stdout.write(
      `Headline — CPU per turn (turns part, the realistic mix): bot ${turns.bot} ms + PostgreSQL ${turns.postgres ?? 'n/a'} ms = ${turns.ours} ms; echo bot ${turns.echo} ms\n\n`,
    );
  process.stdout.write(
    `Targets (${targets.filter((t) => t.met).length} of ${targets.length} met; ${Math.round((Date.now() - started.getTime()) / 1000)} s in all)\n${printTargets(targets)}\n`,
  );
  process.stdout.write(`results: ${writeResults(results, m, started)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

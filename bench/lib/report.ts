import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../services/paths';

/** One target (issues #6 and #13), with the measured value, whether it is met, and the goal beyond it. */
export type Target = { name: string; target: string; value: number; unit: string; met: boolean; goal?: string; note?: string };

export type PartResult = { part: string; seconds: number; figures: Record<string, unknown>; targets: Target[] };

export type Machine = {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  postgres?: string;
  commit: string;
  dirty: boolean;
};

export function machine(postgres?: string): Machine {
  const git = (cmd: string) => {
    try {
      return execSync(`git ${cmd}`, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return '';
    }
  };
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    postgres,
    commit: git('rev-parse HEAD') || 'unknown',
    // Only tracked files under bench/, bot/, services/, cards/ and prisma/ matter to the figures.
    dirty: git('status --porcelain --untracked-files=no -- bench bot services cards prisma') !== '',
  };
}

/** Writes bench/results/<timestamp>-<parts>.json and returns its path. */
export function writeResults(parts: PartResult[], m: Machine, started: Date): string {
  const dir = path.join(projectRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = started
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const file = path.join(dir, `${stamp}-${parts.map((p) => p.part).join('+')}.json`);
  const allTargets = parts.flatMap((p) => p.targets);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        machine: m,
        targetsMet: allTargets.filter((t) => t.met).length,
        targetsTotal: allTargets.length,
        parts,
      },
      null,
      2,
    ) + '\n',
  );
  return file;
}

export function printTargets(targets: Target[]): string {
  return targets
    .map(
      (t) =>
        `  ${t.met ? 'MET   ' : 'MISSED'}  ${t.name}: ${t.value}${t.unit ? ` ${t.unit}` : ''} (target ${t.target}${t.goal ? `; goal ${t.goal}` : ''})` +
        (t.note ? ` — ${t.note}` : ''),
    )
    .join('\n');
}

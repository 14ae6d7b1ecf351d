import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises a V8 .cpuprofile (from BENCH_PROFILE): self time by function and by package, so a
 * missed latency target comes with its measured cause. Usage: node dist/bench/profileSummary.js <file>
 */
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export function summariseProfile(file: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const where = m
      ? m[1]!
      : url.includes('/dist/')
        ? `ours:${url.split('/dist/')[1]!.split('/')[0]}`
        : url
          ? url.startsWith('node:')
            ? 'node core'
            : url
          : `(${n.callFrame.functionName || 'native'})`;
    pkg.set(where, (pkg.get(where) ?? 0) + us);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url ? path.basename(url) + ':' + (n.callFrame.lineNumber + 1) : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return `profile ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled\nby package:\n${fmt(pkg)}\nby function (self time):\n${fmt(fn)}\n`;
}

if (require.main === module) {
  for (const f of process.argv.slice(2)) process.stdout.write(summariseProfile(f) + '\n');
}

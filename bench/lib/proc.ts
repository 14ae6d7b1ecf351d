import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import v8 from 'node:v8';

/**
 * Linux /proc readings for the benchmarks: CPU time of a process and its children (the PostgreSQL
 * server: postmaster plus backends), and where a Node process's resident memory goes. Elsewhere
 * (no /proc) every reading is null and the benchmarks print "n/a".
 */

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

type Stat = { pid: number; ppid: number; utime: number; stime: number; cutime: number; cstime: number };

function readStat(pid: number | string): Stat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid: Number(pid),
      ppid: Number(f[1]),
      utime: Number(f[11]),
      stime: Number(f[12]),
      cutime: Number(f[13]),
      cstime: Number(f[14]),
    };
  } catch {
    return null;
  }
}

/** The postmaster's pid, given one of its backends' pids (null when that backend is not a local process). */
export function postmasterOf(backendPid: number): number | null {
  try {
    // A backend's title reads "postgres: <user> <database> <client> …"; a same-numbered unrelated local process does not.
    if (!fs.readFileSync(`/proc/${backendPid}/cmdline`, 'utf8').startsWith('postgres')) return null;
  } catch {
    return null;
  }
  return readStat(backendPid)?.ppid ?? null;
}

/**
 * CPU milliseconds (user + system) used so far by `rootPid` and its live children, plus the children
 * it has already reaped (PostgreSQL's postmaster reaps every backend that exits, so a closed
 * connection's CPU is still counted). Take the difference of two readings.
 */
export function processTreeCpuMs(rootPid: number): number | null {
  const root = readStat(rootPid);
  if (!root) return null;
  let t = root.utime + root.stime + root.cutime + root.cstime;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(entry);
    if (s && s.ppid === rootPid) t += s.utime + s.stime;
  }
  return (t * 1000) / clockTicks();
}

/** The resident memory of this process, split by what holds it (MB). */
export type MemoryBreakdown = {
  /** Resident set: the sum of the parts below (one reading of /proc/self/smaps; process.memoryUsage().rss elsewhere). */
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** C++ objects bound to JS objects, including ArrayBuffers and WebAssembly memories. */
  external: number;
  /** ArrayBuffers and Buffers (part of `external`). */
  arrayBuffers: number;
  /** Resident pages of the V8 heap (all spaces, JavaScript code included). */
  v8HeapResident: number;
  /** WebAssembly linear memories (Prisma's query compiler works in one). */
  wasmMemoryResident: number | null;
  /** Compiled WebAssembly code (V8 keeps it in anonymous read-write-execute mappings). */
  wasmCodeResident: number | null;
  /** Anonymous memory that is none of the above: malloc (Buffers, OpenSSL, pg, libuv, V8's own tables), thread stacks. */
  nativeResident: number | null;
  /** File-backed pages: the node binary and shared libraries. */
  fileResident: number | null;
};

const MB = 1024 * 1024;
const mb = (b: number) => Math.round((b / MB) * 10) / 10;

type Smaps = { totalKb: number; fileKb: number; anonKb: number; wasmMemoryKb: number; wasmCodeKb: number };

/**
 * One pass over /proc/self/smaps. A WebAssembly memory in V8 on 64-bit Linux is one large reservation
 * (8 GiB and more, for bounds checks by guard pages): an anonymous read-write mapping for the pages in
 * use directly followed by an inaccessible one. Wasm code lives in anonymous rwx mappings (JavaScript
 * code is in the V8 heap and is not writable and executable at once).
 */
function readSmaps(): Smaps | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
  type Mapping = { start: number; end: number; perms: string; name: string; rssKb: number };
  const maps: Mapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      maps.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, name: m[4]!, rssKb: 0 });
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r && maps.length) maps[maps.length - 1]!.rssKb = Number(r[1]);
  }
  const out: Smaps = { totalKb: 0, fileKb: 0, anonKb: 0, wasmMemoryKb: 0, wasmCodeKb: 0 };
  maps.forEach((a, i) => {
    out.totalKb += a.rssKb;
    if (a.name.startsWith('/')) {
      out.fileKb += a.rssKb;
      return;
    }
    out.anonKb += a.rssKb;
    if (a.name !== '') return;
    const guard = maps[i + 1];
    if (a.perms.startsWith('rwx')) out.wasmCodeKb += a.rssKb;
    else if (
      a.perms.startsWith('rw') &&
      guard &&
      guard.name === '' &&
      guard.perms.startsWith('---') &&
      guard.start === a.end &&
      guard.end - a.start >= 4 * 1024 * MB
    )
      out.wasmMemoryKb += a.rssKb;
  });
  return out;
}

export function memoryBreakdown(): MemoryBreakdown {
  const u = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const s = readSmaps();
  return {
    rss: s ? mb(s.totalKb * 1024) : mb(u.rss),
    heapTotal: mb(u.heapTotal),
    heapUsed: mb(u.heapUsed),
    external: mb(u.external),
    arrayBuffers: mb(u.arrayBuffers),
    v8HeapResident: mb(heap.total_physical_size),
    wasmMemoryResident: s ? mb(s.wasmMemoryKb * 1024) : null,
    wasmCodeResident: s ? mb(s.wasmCodeKb * 1024) : null,
    nativeResident: s ? mb((s.anonKb - s.wasmMemoryKb - s.wasmCodeKb) * 1024 - heap.total_physical_size) : null,
    fileResident: s ? mb(s.fileKb * 1024) : null,
  };
}

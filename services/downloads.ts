/**
 * Fetching a file a user sent to the bot (Teams gives a short-lived `downloadUrl`). The URL comes
 * from outside, so this is built against SSRF and oversized or disguised files: https only, an
 * allow-listed host that does not resolve to an internal address, no redirects to another host,
 * a byte cap enforced while streaming, and the type decided by the bytes, not the name.
 */
import { createHash } from 'node:crypto';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import FileType from 'file-type';
import { ServiceError } from './errors';

export const ALLOWED_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  csv: 'text/csv',
} as const;
export type AllowedExt = keyof typeof ALLOWED_TYPES;

export type DownloadedFile = { bytes: Buffer; contentType: string; ext: AllowedExt; sha256: string };

export type LookupAddress = { address: string; family: number };
export type DownloadOptions = {
  /** Exact host names or `*.suffix` wildcards (a wildcard matches subdomains, not the bare suffix). */
  allowedHosts: string[];
  /** Tests and the local playground serve files from 127.0.0.1 over http; production never does. */
  allowLoopback: boolean;
  maxBytes: number;
  /** Needed to recognise CSV (which has no signature); defaults to the URL's last path segment. */
  fileName?: string;
  fetchImpl?: typeof fetch;
  authToken?: string;
  /** DNS resolution, replaceable in tests. */
  lookup?: (host: string) => Promise<LookupAddress[]>;
  timeoutMs?: number;
};

const MAX_REDIRECTS = 3;

const fail = (kind: 'invalid' | 'forbidden', code: string, message: string, params?: Record<string, unknown>) =>
  new ServiceError(kind, code, message, { params });

/** Loopback, private, link-local, CGNAT and unspecified ranges: never fetched from outside tests. */
const internalRanges = (() => {
  const b = new net.BlockList();
  for (const [a, p] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const)
    b.addSubnet(a, p, 'ipv4');
  for (const [a, p] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const)
    b.addSubnet(a, p, 'ipv6');
  return b;
})();

export function isInternalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true; // not an address at all: treat as unsafe
  // BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 rules.
  return internalRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const bareHost = (u: URL) =>
  u.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

export function hostAllowed(host: string, allowedHosts: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowedHosts.some((pattern) => {
    const p = pattern.trim().toLowerCase();
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
  });
}

async function checkUrl(url: URL, opts: DownloadOptions): Promise<void> {
  const host = bareHost(url);
  const loopbackName = LOOPBACK_NAMES.has(host);
  const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && opts.allowLoopback && loopbackName);
  if (!schemeOk || url.username || url.password) {
    throw fail('forbidden', 'file_host_not_allowed', `Refused to download from ${url.protocol}//${host}`, { host });
  }
  if (!hostAllowed(host, opts.allowedHosts) && !(opts.allowLoopback && loopbackName)) {
    throw fail('forbidden', 'file_host_not_allowed', `Host ${host} is not on the download allow-list`, { host });
  }
  if (opts.allowLoopback) return;
  // An allowed name may still point inside our network (DNS we do not control): check every address.
  const lookup = opts.lookup ?? ((h: string) => dns.lookup(h, { all: true, verbatim: true }));
  let addresses: LookupAddress[];
  try {
    addresses = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await lookup(host);
  } catch {
    throw fail('invalid', 'file_download_failed', `Could not resolve ${host}`, { host });
  }
  if (addresses.length === 0 || addresses.some((a) => isInternalAddress(a.address))) {
    throw fail('forbidden', 'file_host_not_allowed', `Host ${host} resolves to an internal address`, { host });
  }
}

/** Reads at most maxBytes; aborts the transfer as soon as more arrive (Content-Length is only a hint). */
async function readCapped(res: Response, maxBytes: number, abort: AbortController): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  const tooLarge = () => {
    abort.abort();
    return fail('invalid', 'file_too_large', `File is larger than ${maxBytes} bytes`, { maxBytes });
  };
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const lastSegment = (u: URL) => {
  const raw = u.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The type of a file, decided by its bytes (file-type signatures). CSV has no signature, so it is
 * accepted when the name ends in .csv and the bytes are UTF-8 text without NUL.
 * Throws ServiceError invalid `file_type_not_allowed` otherwise.
 */
export async function checkFileType(bytes: Buffer, fileName: string): Promise<{ ext: AllowedExt; contentType: string }> {
  const refuse = (detected?: string) =>
    fail('invalid', 'file_type_not_allowed', `File type ${detected ?? 'unknown'} is not allowed`, { detected: detected ?? null, fileName });
  if (bytes.length === 0) throw refuse('empty');
  const detected = await FileType.fromBuffer(bytes);
  if (detected) {
    const ext = (Object.keys(ALLOWED_TYPES) as AllowedExt[]).find((k) => ALLOWED_TYPES[k] === detected.mime);
    if (!ext) throw refuse(detected.ext);
    return { ext, contentType: ALLOWED_TYPES[ext] };
  }
  if (/\.csv$/i.test(fileName.trim()) && !bytes.includes(0)) {
    try {
      utf8.decode(bytes);
      return { ext: 'csv', contentType: ALLOWED_TYPES.csv };
    } catch {
      throw refuse('non-utf8 text');
    }
  }
  throw refuse();
}

/**
 * Downloads an attachment safely; nothing is stored here, so a refusal leaves no trace.
 * Errors: forbidden `file_host_not_allowed`; invalid `file_too_large`, `file_type_not_allowed`, `file_download_failed`.
 */
export async function downloadAttachment(url: string, opts: DownloadOptions): Promise<DownloadedFile> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw fail('forbidden', 'file_host_not_allowed', 'Not a valid URL');
  }
  const fetchImpl = opts.fetchImpl ?? fetch;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 60_000);
  try {
    for (let hop = 0; ; hop++) {
      await checkUrl(current, opts);
      let res: Response;
      try {
        res = await fetchImpl(current.toString(), {
          redirect: 'manual',
          signal: abort.signal,
          headers: opts.authToken ? { Authorization: `Bearer ${opts.authToken}` } : {},
        });
      } catch (e) {
        throw fail('invalid', 'file_download_failed', `Download failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        if (!location || hop >= MAX_REDIRECTS) throw fail('invalid', 'file_download_failed', 'Too many or empty redirects');
        const next = new URL(location, current);
        // A redirect elsewhere could lead past the allow-list (or to an internal host); same host only.
        if (bareHost(next) !== bareHost(current) || next.port !== current.port) {
          throw fail('forbidden', 'file_host_not_allowed', `Redirect to another host (${bareHost(next)}) refused`, {
            host: bareHost(next),
          });
        }
        current = next;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw fail('invalid', 'file_download_failed', `Download failed with status ${res.status}`, { status: res.status });
      }
      let bytes: Buffer;
      try {
        bytes = await readCapped(res, opts.maxBytes, abort);
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        throw fail('invalid', 'file_download_failed', `Download interrupted: ${e instanceof Error ? e.message : String(e)}`);
      }
      const fileName = opts.fileName ?? lastSegment(current);
      const { ext, contentType } = await checkFileType(bytes, fileName);
      return { bytes, contentType, ext, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
  } finally {
    clearTimeout(timer);
  }
}

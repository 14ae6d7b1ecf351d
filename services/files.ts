/**
 * Where document bytes live. Locally: content-addressed files under `<dataDir>/files`. In production:
 * a SharePoint document library through Microsoft Graph. A user's file name is metadata only, never
 * a local path.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Config } from './config';
import { notFound } from './errors';
import type { Graph } from './graph';
import { fields } from './input';

export type StoredFile = { fileKey: string; fileName: string; fileSize: number; contentType: string; sha256: string };

/** A stored file as a command receives it (the bot stores the bytes first, then hands the service this). */
export const storedFileInput = z.object({
  fileKey: fields.text(500),
  fileName: fields.text(255),
  fileSize: z.number().int().nonnegative(),
  contentType: fields.text(200),
  sha256: z.string().regex(/^[a-f0-9]{64}$/i),
});

export interface FileStore {
  put(bytes: Buffer, meta: { fileName: string; contentType: string }): Promise<StoredFile>;
  /** Throws ServiceError not_found (`file`) when the key is unknown. */
  get(fileKey: string): Promise<Buffer>;
  /** The bytes as a stream, for exports that must not hold whole files in memory; not_found as `get`. */
  open(fileKey: string): Promise<Readable>;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const MAX_NAME_LENGTH = 200;

/**
 * A display name safe for SharePoint and for showing: the last path segment only, without control
 * characters or the characters SharePoint refuses (`" * : < > ? / \ |`), no leading/trailing dots or
 * spaces, at most 200 characters (keeping the extension). Never empty.
 */
export function sanitiseFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  let clean = last
    .normalize('NFC')
    // Control characters are exactly what must not reach a file name.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"*:<>?|#%]/g, '_')
    .replace(/^[\s.~$]+|[\s.]+$/g, '');
  if (clean.length > MAX_NAME_LENGTH) {
    const ext = path.extname(clean).slice(0, 16);
    clean = clean.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return clean || 'file';
}

const SHA256_KEY = /^[0-9a-f]{64}$/;

/** Files named by their sha256 in `ab/cd/<sha256>`: the same bytes are stored once, and a key can never escape the directory. */
export class LocalFileStore implements FileStore {
  constructor(readonly dir: string) {}

  private pathOf(sha: string): string {
    return path.join(this.dir, sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  async put(bytes: Buffer, meta: { fileName: string; contentType: string }): Promise<StoredFile> {
    const sha256 = sha256Hex(bytes);
    const target = this.pathOf(sha256);
    const exists = await fs.stat(target).then(
      (s) => s.size === bytes.length,
      () => false,
    );
    if (!exists) {
      await fs.mkdir(path.dirname(target), { recursive: true });
      // Write then rename, so a crash or a concurrent reader never sees half a file.
      const tmp = `${target}.${randomUUID()}.tmp`;
      await fs.writeFile(tmp, bytes, { flag: 'wx' });
      await fs.rename(tmp, target);
    }
    return { fileKey: sha256, fileName: sanitiseFileName(meta.fileName), fileSize: bytes.length, contentType: meta.contentType, sha256 };
  }

  async get(fileKey: string): Promise<Buffer> {
    if (!SHA256_KEY.test(fileKey)) throw notFound('file', fileKey);
    try {
      return await fs.readFile(this.pathOf(fileKey));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('file', fileKey);
      throw e;
    }
  }

  async open(fileKey: string): Promise<Readable> {
    if (!SHA256_KEY.test(fileKey)) throw notFound('file', fileKey);
    // Opened first, so a missing file is a not_found now rather than an error event mid-stream.
    const handle = await fs.open(this.pathOf(fileKey), 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw notFound('file', fileKey);
      throw e;
    });
    return handle.createReadStream();
  }
}

/** Folder per content prefix, so two different files with the same name never overwrite each other. */
const SHAREPOINT_FOLDER = 'coop-claims';
const SHA_FOLDER_CHARS = 16;

/** Documents in a SharePoint library (Graph drive); the key is the driveItem id. */
export class SharePointFileStore implements FileStore {
  constructor(
    private readonly graph: Graph,
    readonly driveId: string,
  ) {}

  async put(bytes: Buffer, meta: { fileName: string; contentType: string }): Promise<StoredFile> {
    const sha256 = sha256Hex(bytes);
    const fileName = sanitiseFileName(meta.fileName);
    const item = await this.graph.uploadToDrive(
      this.driveId,
      `${SHAREPOINT_FOLDER}/${sha256.slice(0, SHA_FOLDER_CHARS)}/${fileName}`,
      bytes,
      meta.contentType,
    );
    return { fileKey: item.id, fileName, fileSize: bytes.length, contentType: meta.contentType, sha256 };
  }

  async get(fileKey: string): Promise<Buffer> {
    try {
      return await this.graph.downloadFromDrive(this.driveId, fileKey);
    } catch (e) {
      if ((e as { status?: number }).status === 404) throw notFound('file', fileKey);
      throw e;
    }
  }

  /** One file at a time in memory: Graph's client reads a drive item whole (files are at most FILE_MAX_BYTES). */
  async open(fileKey: string): Promise<Readable> {
    return Readable.from([await this.get(fileKey)]);
  }
}

/** Local unless `FILE_STORE=sharepoint`, which needs Graph credentials and `SHAREPOINT_DRIVE_ID`. */
export function createFileStore(config: Config, graph?: Graph | null): FileStore {
  if (config.files.store === 'local') return new LocalFileStore(path.join(config.dataDir, 'files'));
  if (!graph)
    throw new Error('FILE_STORE=sharepoint needs Microsoft Graph credentials (GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET)');
  if (!config.files.sharepointDriveId) throw new Error('FILE_STORE=sharepoint needs SHAREPOINT_DRIVE_ID');
  return new SharePointFileStore(graph, config.files.sharepointDriveId);
}

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../services/config';
import { ServiceError } from '../../services/errors';
import { createFileStore, LocalFileStore, sanitiseFileName, SharePointFileStore } from '../../services/files';
import { Graph } from '../../services/graph';
import { fixture } from '../fixtures/files/ooxml';
import { startGraphStub, type GraphStub } from '../stubs/graph';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('LocalFileStore', () => {
  let root: string;
  let store: LocalFileStore;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'coop-files-'));
    store = new LocalFileStore(path.join(root, 'files'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('stores and returns the same bytes, keyed by their sha256', async () => {
    const pdf = fixture('invoice.pdf');
    const stored = await store.put(pdf, { fileName: 'Invoice March.pdf', contentType: 'application/pdf' });
    expect(stored).toEqual({
      fileKey: sha(pdf),
      fileName: 'Invoice March.pdf',
      fileSize: pdf.length,
      contentType: 'application/pdf',
      sha256: sha(pdf),
    });
    expect((await store.get(stored.fileKey)).equals(pdf)).toBe(true);
    const s = sha(pdf);
    expect(await listFiles(path.join(root, 'files'))).toEqual([path.join(s.slice(0, 2), s.slice(2, 4), s)]);
  });

  it('stores the same bytes once, whatever names they are sent under', async () => {
    const png = fixture('pixel.png');
    const a = await store.put(png, { fileName: 'a.png', contentType: 'image/png' });
    const b = await store.put(png, { fileName: 'b.png', contentType: 'image/png' });
    expect(a.fileKey).toBe(b.fileKey);
    expect(b.fileName).toBe('b.png');
    expect(await listFiles(path.join(root, 'files'))).toHaveLength(1);
  });

  it('never uses the file name as a path', async () => {
    const bytes = Buffer.from('root:x:0:0\n');
    const stored = await store.put(bytes, { fileName: '../../etc/passwd', contentType: 'text/csv' });
    expect(stored.fileName).toBe('passwd');
    expect(await listFiles(root)).toEqual([path.join('files', stored.sha256.slice(0, 2), stored.sha256.slice(2, 4), stored.sha256)]);
    await expect(fs.access(path.join(root, 'etc'))).rejects.toThrow();
  });

  it('answers not found for unknown or malformed keys, including traversal attempts', async () => {
    for (const key of ['0'.repeat(64), '../../etc/passwd', 'ab/cd/ef', '']) {
      const e = await store.get(key).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ServiceError);
      expect(e).toMatchObject({ kind: 'not_found', code: 'file' });
      // Streams (exports) say the same, before any byte is read.
      await expect(store.open(key)).rejects.toMatchObject({ kind: 'not_found', code: 'file' });
    }
  });

  it('streams a stored file in chunks with the same bytes', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'x');
    const stored = await store.put(big, { fileName: 'big.bin', contentType: 'application/octet-stream' });
    const chunks: Buffer[] = [];
    for await (const c of await store.open(stored.fileKey)) chunks.push(c as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });
});

describe('sanitiseFileName', () => {
  it('keeps a readable last segment without characters SharePoint refuses', () => {
    expect(sanitiseFileName('C:\\Users\\me\\Q3 invoice.pdf')).toBe('Q3 invoice.pdf');
    expect(sanitiseFileName('a<b>:c"d|e?*.pdf')).toBe('a_b__c_d_e__.pdf');
    expect(sanitiseFileName('..')).toBe('file');
    expect(sanitiseFileName('~$lock.docx')).toBe('lock.docx');
    expect(sanitiseFileName('서울 행사 보고서.pptx')).toBe('서울 행사 보고서.pptx');
    const long = sanitiseFileName(`${'x'.repeat(500)}.xlsx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.xlsx')).toBe(true);
  });
});

describe('SharePointFileStore', () => {
  let stub: GraphStub;
  let store: SharePointFileStore;
  beforeEach(async () => {
    stub = await startGraphStub();
    store = new SharePointFileStore(new Graph(stub.url, async () => 'token', { retry: { baseDelayMs: 5 } }), 'drive-1');
  });
  afterEach(() => stub.close());

  it('uploads a small file in one PUT under a content folder and downloads it by item id', async () => {
    const pdf = fixture('invoice.pdf');
    const stored = await store.put(pdf, { fileName: '../Invoice #7.pdf', contentType: 'application/pdf' });
    expect(stored).toMatchObject({ fileName: 'Invoice _7.pdf', fileSize: pdf.length, sha256: sha(pdf), contentType: 'application/pdf' });

    const put = stub.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`/v1.0/drives/drive-1/root:/coop-claims/${sha(pdf).slice(0, 16)}/Invoice _7.pdf:/content`);
    expect(put.headers['content-type']).toBe('application/pdf');
    expect(stub.driveItem(stored.fileKey)!.bytes.equals(pdf)).toBe(true);

    expect((await store.get(stored.fileKey)).equals(pdf)).toBe(true);
  });

  it('uploads a large file through an upload session in 320 KiB-multiple chunks without sending the token', async () => {
    const big = randomBytes(9 * 1024 * 1024 + 123);
    const stored = await store.put(big, {
      fileName: 'video-proof.pptx',
      contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    });
    expect(stub.requests.some((r) => r.path.endsWith(':/createUploadSession'))).toBe(true);
    const chunks = stub.requests.filter((r) => r.path.startsWith('/_upload/'));
    expect(chunks.length).toBe(3);
    expect(chunks.every((c) => c.headers.authorization === undefined)).toBe(true);
    expect(chunks.map((c) => c.headers['content-range'])).toEqual([
      `bytes 0-${3276800 - 1}/${big.length}`,
      `bytes 3276800-${2 * 3276800 - 1}/${big.length}`,
      `bytes ${2 * 3276800}-${big.length - 1}/${big.length}`,
    ]);
    expect((await store.get(stored.fileKey)).equals(big)).toBe(true);
  });

  it('retries a throttled chunk', async () => {
    stub.setFault('/_upload/', { status: 503, times: 1 });
    const big = randomBytes(5 * 1024 * 1024);
    const stored = await store.put(big, { fileName: 'x.pdf', contentType: 'application/pdf' });
    expect(stub.driveItem(stored.fileKey)!.bytes.equals(big)).toBe(true);
    // Two chunks, the first sent twice.
    expect(stub.requests.filter((r) => r.path.startsWith('/_upload/')).map((r) => r.headers['content-range']?.split('/')[0])).toEqual([
      'bytes 0-3276799',
      'bytes 0-3276799',
      `bytes 3276800-${big.length - 1}`,
    ]);
  });

  it('answers not found for an unknown item', async () => {
    await expect(store.get('01UNKNOWN')).rejects.toMatchObject({ kind: 'not_found', code: 'file' });
  });
});

describe('createFileStore', () => {
  it('is local by default under <dataDir>/files', () => {
    const store = createFileStore(loadConfig({ DATA_DIR: '/tmp/coop-data' }));
    expect(store).toBeInstanceOf(LocalFileStore);
    expect((store as LocalFileStore).dir).toBe(path.join('/tmp/coop-data', 'files'));
  });

  it('uses SharePoint when configured, and refuses to start half-configured', async () => {
    const stub = await startGraphStub();
    try {
      const graph = new Graph(stub.url, async () => 't');
      expect(createFileStore(loadConfig({ FILE_STORE: 'sharepoint', SHAREPOINT_DRIVE_ID: 'd' }), graph)).toBeInstanceOf(
        SharePointFileStore,
      );
      expect(() => createFileStore(loadConfig({ FILE_STORE: 'sharepoint' }), graph)).toThrow(/SHAREPOINT_DRIVE_ID/);
      expect(() => createFileStore(loadConfig({ FILE_STORE: 'sharepoint', SHAREPOINT_DRIVE_ID: 'd' }), null)).toThrow(/Graph/);
    } finally {
      await stub.close();
    }
  });
});

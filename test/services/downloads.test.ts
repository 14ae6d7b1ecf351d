import { createHash } from 'node:crypto';
import {
  ALLOWED_TYPES,
  checkFileType,
  downloadAttachment,
  hostAllowed,
  isInternalAddress,
  type DownloadOptions,
} from '../../services/downloads';
import { ServiceError } from '../../services/errors';
import { buildOoxml, fixture } from '../fixtures/files/ooxml';
import { startFileHost, type FileHost } from '../stubs/fileHost';

let host: FileHost;
const MB = 1024 * 1024;
const local: DownloadOptions = { allowedHosts: ['*.sharepoint.com'], allowLoopback: true, maxBytes: 5 * MB };

beforeEach(async () => {
  host = await startFileHost();
});
afterEach(() => host.close());

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ServiceError);
  const se = e as ServiceError;
  return { kind: se.kind, code: se.code };
};

describe('downloadAttachment', () => {
  it('returns the bytes, their type from the content and their sha256', async () => {
    const pdf = fixture('invoice.pdf');
    host.serve('/files/invoice.pdf', pdf, 'application/octet-stream');
    const got = await downloadAttachment(`${host.url}/files/invoice.pdf`, { ...local, authToken: 'bot-token' });
    expect(got.bytes.equals(pdf)).toBe(true);
    expect(got.contentType).toBe('application/pdf');
    expect(got.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(host.requests[0].headers.authorization).toBe('Bearer bot-token');
  });

  it('refuses a host that is not on the allow-list before connecting', async () => {
    const opts = { ...local, allowLoopback: false };
    expect(await refusal(downloadAttachment('https://evil.example.com/invoice.pdf', opts))).toEqual({
      kind: 'forbidden',
      code: 'file_host_not_allowed',
    });
    // Lookalikes of an allowed wildcard are not subdomains of it.
    expect(await refusal(downloadAttachment('https://contoso.sharepoint.com.evil.com/a.pdf', opts))).toEqual({
      kind: 'forbidden',
      code: 'file_host_not_allowed',
    });
    expect(await refusal(downloadAttachment('not a url', opts))).toEqual({ kind: 'forbidden', code: 'file_host_not_allowed' });
  });

  it('refuses plain http and loopback when loopback is not allowed', async () => {
    host.serve('/a.pdf', fixture('invoice.pdf'), 'application/pdf');
    const prod = { allowedHosts: ['127.0.0.1', 'localhost'], allowLoopback: false, maxBytes: MB };
    expect(await refusal(downloadAttachment(`${host.url}/a.pdf`, prod))).toEqual({ kind: 'forbidden', code: 'file_host_not_allowed' });
    // https to an allowed name that resolves to loopback (real DNS resolution of localhost).
    expect(await refusal(downloadAttachment('https://localhost/a.pdf', prod))).toEqual({
      kind: 'forbidden',
      code: 'file_host_not_allowed',
    });
    expect(host.requests).toHaveLength(0);
  });

  it('refuses an allowed name that resolves to any internal address', async () => {
    const fetchImpl = jest.fn<Promise<Response>, Parameters<typeof fetch>>();
    const opts = (addresses: string[]): DownloadOptions => ({
      allowedHosts: ['*.sharepoint.com'],
      allowLoopback: false,
      maxBytes: MB,
      fetchImpl: fetchImpl as unknown as typeof fetch,
      lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    });
    for (const internal of [
      ['10.1.2.3'],
      ['52.1.1.1', '192.168.0.10'],
      ['169.254.169.254'],
      ['172.20.0.1'],
      ['fd12::1'],
      ['fe80::1'],
      ['::ffff:127.0.0.1'],
      ['0.0.0.0'],
    ]) {
      expect(await refusal(downloadAttachment('https://contoso.sharepoint.com/x.pdf', opts(internal)))).toEqual({
        kind: 'forbidden',
        code: 'file_host_not_allowed',
      });
    }
    expect(fetchImpl).not.toHaveBeenCalled();

    // A public address goes through to the fetch.
    fetchImpl.mockResolvedValue(new Response(fixture('pixel.png'), { status: 200 }));
    const got = await downloadAttachment('https://contoso.sharepoint.com/x.png', opts(['52.1.1.1', '2603:1036::1']));
    expect(got.contentType).toBe('image/png');
  });

  it('follows a redirect on the same host but refuses one to another host', async () => {
    const png = fixture('pixel.png');
    host.serve('/real.png', png, 'image/png');
    host.serve('/moved.png', Buffer.alloc(0), 'image/png', { redirectTo: '/real.png' });
    expect((await downloadAttachment(`${host.url}/moved.png`, local)).bytes.equals(png)).toBe(true);

    const port = new URL(host.url).port;
    host.serve('/away.png', Buffer.alloc(0), 'image/png', { redirectTo: `http://localhost:${port}/real.png` });
    const before = host.requests.length;
    expect(await refusal(downloadAttachment(`${host.url}/away.png`, local))).toEqual({ kind: 'forbidden', code: 'file_host_not_allowed' });
    expect(host.requests.slice(before).map((r) => r.path)).toEqual(['/away.png']);
  });

  it('stops reading an oversized body without trusting Content-Length, and closes the connection', async () => {
    host.serveStream('/huge.pdf', 100 * MB);
    const started = Date.now();
    expect(await refusal(downloadAttachment(`${host.url}/huge.pdf`, { ...local, maxBytes: MB }))).toEqual({
      kind: 'invalid',
      code: 'file_too_large',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    const outcome = await host.streamEnded('/huge.pdf');
    expect(outcome.completed).toBe(false);
    expect(outcome.bytesWritten).toBeLessThan(20 * MB);
  });

  it('refuses at once when the declared length is already too large', async () => {
    host.serveStream('/declared.pdf', 100 * MB, { declareLength: true });
    expect(await refusal(downloadAttachment(`${host.url}/declared.pdf`, { ...local, maxBytes: MB }))).toEqual({
      kind: 'invalid',
      code: 'file_too_large',
    });
    expect((await host.streamEnded('/declared.pdf')).completed).toBe(false);
  });

  it('refuses an executable named .pdf', async () => {
    host.serve('/invoice.pdf', fixture('tool.exe'), 'application/pdf');
    expect(await refusal(downloadAttachment(`${host.url}/invoice.pdf`, local))).toEqual({ kind: 'invalid', code: 'file_type_not_allowed' });
  });

  it('accepts a UTF-8 CSV named .csv', async () => {
    const csv = fixture('metrics.csv');
    host.serve('/download/123', csv, 'text/plain');
    const got = await downloadAttachment(`${host.url}/download/123`, { ...local, fileName: 'Metrics Q3.CSV' });
    expect(got).toMatchObject({ contentType: 'text/csv', ext: 'csv' });
    expect(got.bytes.toString('utf8')).toContain('서울');
  });

  it('reports a failed download (404) as file_download_failed', async () => {
    expect(await refusal(downloadAttachment(`${host.url}/missing.pdf`, local))).toEqual({ kind: 'invalid', code: 'file_download_failed' });
  });
});

describe('checkFileType', () => {
  it('accepts PDF, PNG, JPEG, DOCX, XLSX and PPTX by their bytes whatever the name', async () => {
    expect(await checkFileType(fixture('invoice.pdf'), 'scan')).toEqual({ ext: 'pdf', contentType: ALLOWED_TYPES.pdf });
    expect((await checkFileType(fixture('pixel.png'), 'a.png')).contentType).toBe('image/png');
    expect((await checkFileType(fixture('photo.jpg'), 'a.jpeg')).contentType).toBe('image/jpeg');
    for (const kind of ['docx', 'xlsx', 'pptx'] as const) {
      expect(await checkFileType(await buildOoxml(kind), `report.${kind}`)).toEqual({ ext: kind, contentType: ALLOWED_TYPES[kind] });
    }
  });

  it('refuses executables, empty files, text not named .csv, and binary or non-UTF-8 "CSV"', async () => {
    const refused = async (bytes: Buffer, name: string) => (await refusal(checkFileType(bytes, name))).code;
    expect(await refused(fixture('tool.exe'), 'tool.csv')).toBe('file_type_not_allowed');
    expect(await refused(Buffer.alloc(0), 'a.csv')).toBe('file_type_not_allowed');
    expect(await refused(fixture('metrics.csv'), 'metrics.txt')).toBe('file_type_not_allowed');
    expect(await refused(Buffer.from('a,b\n1,\u0000\n'), 'a.csv')).toBe('file_type_not_allowed');
    expect(await refused(Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]), 'a.csv')).toBe('file_type_not_allowed');
  });
});

describe('address and host rules', () => {
  it('classifies internal addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fe80::abcd',
      '::ffff:10.0.0.1',
    ])
      expect(isInternalAddress(a)).toBe(true);
    for (const a of ['52.96.0.1', '172.32.0.1', '2603:1036::1', '8.8.8.8']) expect(isInternalAddress(a)).toBe(false);
  });

  it('matches wildcards to subdomains only', () => {
    expect(hostAllowed('contoso.sharepoint.com', ['*.sharepoint.com'])).toBe(true);
    expect(hostAllowed('CONTOSO-my.SharePoint.com.', ['*.sharepoint.com'])).toBe(true);
    expect(hostAllowed('sharepoint.com', ['*.sharepoint.com'])).toBe(false);
    expect(hostAllowed('evilsharepoint.com', ['*.sharepoint.com'])).toBe(false);
    expect(hostAllowed('files.example.com', ['files.example.com'])).toBe(true);
  });
});

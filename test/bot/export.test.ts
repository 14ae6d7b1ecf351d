import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { exportLink } from '../../bot/exportLinks';
import { ALEX, ISAIAH, MEGAN, PATTI, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, invokeCard, textOf } from '../helpers/cardQuery';
import { pdfText } from '../helpers/pdfText';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

const OUTSIDER: TeamsUser = { aadObjectId: 'f0000000-0000-0000-0000-000000000099', name: 'Olga Outsider', tenantId: 'fabrikam-tenant' };
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'files', name));
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Retention export over HTTP through the production wiring: the claim's ZIP and the organisation's CSV, by signed link. */
describe('bot: retention export', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness({ FILE_LINK_SECRET: 'export-test-link-secret-0123456789' });
    for (const u of [ALEX, PATTI, MEGAN, ISAIAH, OUTSIDER]) await h.post(messageActivity(u, connector.url, 'help'));
    await connector.waitFor((s) => [ALEX, PATTI, MEGAN, ISAIAH, OUTSIDER].every((u) => s.sent(conv(u)).length > 0));
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  /** The Download button of an export card, pointed at this run's port (PUBLIC_BASE_URL would say the public host). */
  const downloadUrl = (card: unknown): string => {
    const found = JSON.stringify(card).match(/"type":"Action\.OpenUrl","title":"[^"]+","url":"([^"]+)"/);
    if (!found) throw new Error(`no download link on ${JSON.stringify(card).slice(0, 300)}`);
    return onThisServer(found[1]!);
  };
  const onThisServer = (url: string) => h.bot.url + new URL(url).pathname;
  const userId = async (u: TeamsUser) => (await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: u.aadObjectId } })).id;

  /** A claim whose documents carry real stored files (one replaced), with a decision and its reason in History. */
  async function claimWithFiles(reason = 'The invoice is dated after the activity') {
    const c = await insertClaim(h.world, { complete: true });
    const docs = await h.world.db.document.findMany({ where: { claimId: c.id, kind: { in: ['INVOICE', 'PROOF'] } } });
    const store = h.bot.deps.files;
    for (const d of docs) {
      const [name, type] = d.kind === 'INVOICE' ? ['invoice.pdf', 'application/pdf'] : ['photo.jpg', 'image/jpeg'];
      const f = await store.put(fixture(name), { fileName: name, contentType: type });
      await h.world.db.document.update({ where: { id: d.id }, data: { fileKey: f.fileKey, fileName: f.fileName, sha256: f.sha256 } });
    }
    const old = await store.put(Buffer.from('the first, blurry photo'), { fileName: 'photo.jpg', contentType: 'image/jpeg' });
    await h.world.db.document.create({
      data: {
        claimId: c.id,
        kind: 'PROOF',
        details: 'Blurry',
        uploaderId: h.world.users.incentivesUser,
        fileKey: old.fileKey,
        fileName: old.fileName,
        removedAt: h.world.clock.now(),
      },
    });
    await click(ALEX, 'claim.submit', { claimId: c.id, version: c.version, idempotencyKey: `submit-${c.id}` });
    let card = await click(PATTI, 'claim.open', { claimId: c.id });
    card = await click(PATTI, 'review.start', action(card, 'review.start').data);
    const form = await click(PATTI, 'review.reject.form', action(card, 'review.reject.form').data);
    await click(PATTI, 'review.reject', { ...action(form, 'review.reject').data, reason });
    return c;
  }

  it("the owner's Export claim link downloads a ZIP: every file, history.csv, a one-page summary.pdf and a matching sha256 manifest", async () => {
    const c = await claimWithFiles();
    const detail = await click(ALEX, 'claim.open', { claimId: c.id });
    const exportButton = actions(detail).find((a) => a.verb === 'claim.export');
    expect(exportButton?.title).toBe('Export claim');
    const ready = await click(ALEX, 'claim.export', exportButton!.data);
    expect(textOf(ready)).toContain(`Export of ${c.number} is ready`);
    expect(textOf(ready)).toContain('24 months');

    const res = await fetch(downloadUrl(ready));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${c.number}.zip"`);
    // Streamed as produced: no length known up front.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const names = Object.keys(zip.files).sort();
    expect(names).toEqual(
      [
        'documents/invoices/invoice.pdf',
        'documents/proof/photo.jpg',
        'documents/removed/photo.jpg',
        'history.csv',
        'manifest.sha256',
        'summary.pdf',
      ].sort(),
    );
    expect(Buffer.from(await zip.file('documents/invoices/invoice.pdf')!.async('uint8array'))).toEqual(fixture('invoice.pdf'));

    // The manifest lists every other entry with its sha256, as `sha256sum -c` reads it.
    const manifest = (await zip.file('manifest.sha256')!.async('string')).trim().split('\n');
    expect(manifest.map((l) => l.slice(66)).sort()).toEqual(names.filter((n) => n !== 'manifest.sha256'));
    for (const line of manifest) {
      const [hash, name] = [line.slice(0, 64), line.slice(66)];
      expect([name, sha(await zip.file(name)!.async('uint8array'))]).toEqual([name, hash]);
    }

    const csv = await zip.file('history.csv')!.async('string');
    const rows = await h.world.db.historyEvent.findMany({ where: { claimId: c.id } });
    expect(csv.trim().split('\r\n')).toHaveLength(rows.length + 1); // header + one line per row (no text here spans lines)
    expect(csv).toContain('time (UTC),actor,actor kind,event,summary,status before,status after,details');
    expect(csv).toContain('The invoice is dated after the activity');
    expect(csv).toMatch(/Patti Fernandez,REVIEWER,rejected,Rejected,IN_REVIEW,REJECTED/);
    expect(csv).toContain('claim_exported,Records exported by Alex Wilber');

    const pdf = Buffer.from(await zip.file('summary.pdf')!.async('uint8array'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const summary = await pdfText(pdf);
    expect(summary.pages).toBe(1);
    const summaryText = summary.text.replace(/\s+/g, ' ');
    for (const s of [
      c.number,
      'Status: Rejected',
      'Decisions and reasons',
      'Patti Fernandez · Rejected',
      'The invoice is dated after the activity',
    ])
      expect([s, summaryText.includes(s)]).toEqual([s, true]);

    // Who exported is in History.
    expect(await h.world.db.historyEvent.count({ where: { claimId: c.id, type: 'claim_exported', actorId: await userId(ALEX) } })).toBe(1);
  });

  it("the summary is in the exporting person's language, with a Korean reason as written", async () => {
    const reason = '청구서 날짜가 활동 이후입니다';
    const c = await claimWithFiles(reason);
    const ready = await click({ ...ALEX, locale: 'ko-KR' }, 'claim.export', { claimId: c.id });
    expect(textOf(ready)).toContain(`${c.number} 내보내기 준비 완료`);
    const zip = await JSZip.loadAsync(Buffer.from(await (await fetch(downloadUrl(ready))).arrayBuffer()));
    const summary = await pdfText(Buffer.from(await zip.file('summary.pdf')!.async('uint8array')));
    expect(summary.pages).toBe(1);
    const text = summary.text.replace(/\s+/g, ' ');
    for (const s of ['청구 기록 요약', '상태: 거부됨', '결정 및 사유', 'Patti Fernandez · 거부', reason, '이 ZIP에 든 문서'])
      expect([s, text.includes(s)]).toEqual([s, true]);
    expect(text).not.toContain('Decisions and reasons');
  });

  it('refuses a colleague and another organisation; an admin and a reviewer may; a forged link is 404, an expired or stale one 403', async () => {
    const c = await insertClaim(h.world, { status: 'SUBMITTED' });
    // Isaiah was asked for a document: he sees the claim, but not its export.
    await h.world.db.uploadRequest.create({
      data: {
        claimId: c.id,
        requesterId: h.world.users.incentivesUser,
        assigneeId: await userId(ISAIAH),
        kind: 'PROOF',
        message: 'Photos please',
        dueAt: new Date('2026-12-05'),
      },
    });
    await h.world.db.claim.update({ where: { id: c.id }, data: { status: 'EDITING' } });
    const seen = await click(ISAIAH, 'claim.open', { claimId: c.id });
    expect(actions(seen).map((a) => a.verb)).not.toContain('claim.export');
    expect(textOf(await click(ISAIAH, 'claim.export', { claimId: c.id }))).toContain("Only the claim's owner");
    expect(textOf(await click(OUTSIDER, 'claim.export', { claimId: c.id }))).toContain('another organisation');

    // A link minted for someone who may not export (as if it leaked from elsewhere) opens nothing.
    const files = h.bot.deps.config.files;
    const tomorrow = new Date(h.world.clock.now().getTime() + 86_400_000);
    expect((await fetch(onThisServer(exportLink(files, 'claim', c.id, await userId(ISAIAH), tomorrow)))).status).toBe(403);

    for (const u of [MEGAN, PATTI]) {
      const url = downloadUrl(await click(u, 'claim.export', { claimId: c.id }));
      const ok = await fetch(url);
      expect([u.name, ok.status]).toEqual([u.name, 200]);
      await ok.arrayBuffer();
    }
    const url = downloadUrl(await click(MEGAN, 'claim.export', { claimId: c.id }));
    const forged = url.slice(0, -2) + (url.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(forged)).status).toBe(404);
    expect((await fetch(url.replace(c.id, (await insertClaim(h.world)).id))).status).toBe(404);
    const before = h.world.clock.current;
    h.world.clock.advanceDays(2);
    try {
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toMatch(/expired/);
    } finally {
      h.world.clock.current = before;
    }
  });

  it('streams: the download starts before the archive is built, and files are read only as the client reads', async () => {
    const c = await insertClaim(h.world);
    const store = h.bot.deps.files;
    const big: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = randomBytes(10 * 1024 * 1024);
      big.push(bytes);
      const f = await store.put(bytes, { fileName: `video-${i}.mp4`, contentType: 'video/mp4' });
      await h.world.db.document.create({
        data: {
          claimId: c.id,
          kind: 'PROOF',
          details: `Recording ${i}`,
          uploaderId: h.world.users.incentivesUser,
          fileKey: f.fileKey,
          fileName: f.fileName,
        },
      });
    }
    const opened = jest.spyOn(store, 'open');
    try {
      const url = downloadUrl(await click(ALEX, 'claim.export', { claimId: c.id }));
      const res = await fetch(url);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04'));
      // The client holds still: with 30 MB to send, the server waits for it (backpressure) instead of
      // reading ahead into memory. The third file is not even opened yet.
      await new Promise((r) => setTimeout(r, 400));
      expect(opened.mock.calls.length).toBeLessThan(3);
      const chunks: Buffer[] = [Buffer.from(first.value!)];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(Buffer.from(value));
      }
      expect(opened.mock.calls).toHaveLength(3);
      const zip = await JSZip.loadAsync(Buffer.concat(chunks));
      for (let i = 0; i < 3; i++) expect(sha(await zip.file(`documents/proof/video-${i}.mp4`)!.async('uint8array'))).toBe(sha(big[i]!));
    } finally {
      opened.mockRestore();
    }
  });

  it("admins download the organisation's claims as CSV, one row per claim, formulas neutralised; others are told who can", async () => {
    const evil = await insertClaim(h.world);
    await h.world.db.claim.update({ where: { id: evil.id }, data: { name: '=HYPERLINK("http://evil.example","click")' } });
    await h.post(messageActivity(MEGAN, connector.url, 'export claims'));
    await connector.waitFor(() => connector.cardsIn(conv(MEGAN)).some((x) => textOf(x).includes('Claims of Contoso Partners as CSV')));
    const card = connector.cardsIn(conv(MEGAN)).find((x) => textOf(x).includes('Claims of Contoso Partners as CSV'));
    const res = await fetch(downloadUrl(card));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'number,name,status,claimed,approved,currency,created,submitted,decided,activity start,activity end,location,partner ID,program,usage period,owner,owner email,reviewer',
    );
    expect(lines).toHaveLength(1 + (await h.world.db.claim.count({ where: { organisationId: h.world.orgId } })));
    const row = lines.find((l) => l.startsWith(evil.number))!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain(',EDITING,1000.00,,USD,');
    expect(row).toContain('Contoso Seattle,4871234,');

    await h.post(messageActivity(ALEX, connector.url, 'export claims'));
    await connector.waitFor(() => connector.cardsIn(conv(ALEX)).some((x) => textOf(x).includes('Only incentives and global admins')));
    // A link for the organisation signed for Alex opens nothing either.
    const files = h.bot.deps.config.files;
    const tomorrow = new Date(h.world.clock.now().getTime() + 86_400_000);
    expect((await fetch(onThisServer(exportLink(files, 'claims', h.world.orgId, await userId(ALEX), tomorrow)))).status).toBe(403);
  });
});

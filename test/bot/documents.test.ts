import { ALEX, ISAIAH, PATTI, executeActivity, fileActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { fixture } from '../fixtures/files/ooxml';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost, type FileHost } from '../stubs/fileHost';

/** What a reviewer can open from a claim card: every document, each by its own link. */
describe('bot: documents on the claim card', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: FileHost;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await fileHost.close();
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const local = (link: string) => link.replace(/^http:\/\/localhost:\d+/, h.bot.url);

  it('shows a proof with a stored file and a web link as two labelled links, each opening what it names', async () => {
    const c = await insertClaim(h.world);
    await click(ALEX, 'doc.add', {
      claimId: c.id,
      version: c.version,
      kind: 'PROOF',
      details: 'Screenshot of the banner ad and its landing page',
      url: 'https://contoso.example/launch',
      idempotencyKey: 'proof-with-link-1',
    });
    fileHost.serve('/files/ad-screenshot.png', fixture('photo.jpg'), 'image/jpeg');
    const before = connector.sent(conv(ALEX)).length;
    await h.post(
      fileActivity(ALEX, connector.url, {
        name: 'ad-screenshot.png',
        downloadUrl: `${fileHost.url}/files/ad-screenshot.png`,
        fileType: 'png',
      }),
    );
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > before);

    // The reviewer opens the claim: the file line links the stored file, the web link line the page.
    const card = await click(PATTI, 'claim.open', { claimId: c.id });
    const text = textOf(card);
    const fileLink = /File: \[ad-screenshot\.png\]\((http[^)\s]+)\)/.exec(text)?.[1];
    expect(fileLink).toBeDefined();
    expect(fileLink).toContain('/files/');
    expect(text).toContain('Web link: [https://contoso.example/launch](https://contoso.example/launch)');
    const served = await fetch(local(fileLink!));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(fixture('photo.jpg'))).toBe(true);

    // The partner's own card says the same.
    await h.post(messageActivity(ALEX, connector.url, `claim ${c.number}`));
    await connector.waitFor((s) => textOf(s.cardsIn(conv(ALEX)).at(-1)).includes('Web link:'));
    expect(textOf(connector.cardsIn(conv(ALEX)).at(-1))).toMatch(/File: \[ad-screenshot\.png\]\(http[^)]+\/files\//);
  });
});

/** A trade show with forty photos: every document reachable from the card, every card within Teams' size. */
describe('bot: a claim with 100 documents', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  const KINDS = { PROOF: 40, INVOICE: 30, METRIC: 20, ADDITIONAL_INFO: 10 } as const;
  /** Teams counts a message's size in UTF-16 code units (~100 KB allowed); we keep every card ≤ 80 KB. */
  const utf16Bytes = (card: unknown) => JSON.stringify(card).length * 2;
  const LIMIT = 80 * 1024;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
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

  /** A claim with 100 documents, with long notes and web links, and reviewer feedback on ten proofs. */
  async function bigClaim(status: 'IN_REVIEW' | 'ACTION_REQUIRED') {
    const c = await insertClaim(h.world, { status });
    const owner = h.world.users.incentivesUser;
    const note = (i: number) => `Photo ${i} of the booth at the Ignite partner pavilion: logo wall, demo stations and visitors. `.repeat(3);
    for (const [kind, n] of Object.entries(KINDS)) {
      await h.world.db.document.createMany({
        data: Array.from({ length: n }, (_, i) => ({
          claimId: c.id,
          kind: kind as keyof typeof KINDS,
          details: note(i + 1),
          fields:
            kind === 'INVOICE'
              ? {
                  vendor: `Vendor ${i + 1}`,
                  invoiceNumber: `INV-${1000 + i}`,
                  invoiceDate: '2026-09-03',
                  amountMinor: 10_000 + i,
                  currency: 'USD',
                }
              : kind === 'METRIC'
                ? { name: `Metric ${i + 1}`, value: String(100 + i) }
                : {},
          fileName: kind === 'METRIC' ? null : `${kind.toLowerCase()}-${String(i + 1).padStart(3, '0')}.jpg`,
          fileKey: kind === 'METRIC' ? null : 'sha256-test',
          url: kind === 'PROOF' ? `https://contoso.example/ignite/photos/${i + 1}?utm_source=coop-claims` : null,
          uploaderId: owner,
          createdAt: new Date(Date.UTC(2026, 8, 10, 0, i)),
        })),
      });
    }
    const proofs = await h.world.db.document.findMany({ where: { claimId: c.id, kind: 'PROOF' }, orderBy: { createdAt: 'asc' } });
    await h.world.db.feedback.createMany({
      data: proofs.slice(0, 10).map((p) => ({
        claimId: c.id,
        reviewerId: h.world.users.reviewer,
        documentId: p.id,
        text: 'The Microsoft logo is hidden behind the visitors; send a photo where it can be seen. '.repeat(2),
      })),
    });
    return c;
  }

  /** Follows a kind's documents card page by page; returns the cards and the document ids each action names. */
  async function allPages(u: TeamsUser, claimId: string, kind: string, verb: string) {
    const cards: unknown[] = [];
    const ids = new Set<string>();
    let card = await click(u, 'claim.documents', { claimId, kind });
    for (;;) {
      cards.push(card);
      for (const a of actions(card)) if (a.verb === verb && typeof a.data.documentId === 'string') ids.add(a.data.documentId);
      const next = actions(card).find((a) => a.verb === 'claim.documents' && a.title === 'Next page');
      if (!next) break;
      card = await click(u, next.verb, next.data);
    }
    return { cards, ids };
  }

  it('a reviewer reaches every document from the card, page by page, each with Accept and Needs fix', async () => {
    const c = await bigClaim('IN_REVIEW');
    const card = await click(PATTI, 'claim.open', { claimId: c.id });
    // A busy card shows only the newest few of each kind (fewer the busier it is); the rest are a button away.
    expect(textOf(card)).toMatch(/The latest [1-5] of 40/);
    const showAll = action(card, 'claim.documents', (d) => d.kind === 'PROOF');
    expect(showAll.title).toBe('Show all 40');

    for (const [kind, n] of Object.entries(KINDS)) {
      const { cards, ids } = await allPages(PATTI, c.id, kind, 'review.doc');
      const all = await h.world.db.document.findMany({ where: { claimId: c.id, kind: kind as keyof typeof KINDS }, select: { id: true } });
      expect([kind, ids.size]).toEqual([kind, n]);
      expect([...ids].sort()).toEqual(all.map((d) => d.id).sort());
      expect(cards).toHaveLength(Math.ceil(n / 10));
      for (const x of cards) expect(utf16Bytes(x)).toBeLessThanOrEqual(LIMIT);
    }

    // Accept the 23rd photo from page 3: the answer is page 3 again, with the photo accepted.
    const page3 = await click(PATTI, 'claim.documents', { claimId: c.id, kind: 'PROOF', page: 3 });
    expect(textOf(page3)).toContain('21–30 of 40');
    const photo = await h.world.db.document.findFirstOrThrow({ where: { claimId: c.id, fileName: 'proof-023.jpg' } });
    const accepted = await click(
      PATTI,
      'review.doc',
      action(page3, 'review.doc', (d) => d.documentId === photo.id && d.decision === 'ACCEPT').data,
    );
    expect(textOf(accepted)).toContain('Document accepted.');
    expect(textOf(accepted)).toContain('21–30 of 40');
    expect((await h.world.db.document.findUniqueOrThrow({ where: { id: photo.id } })).reviewState).toBe('ACCEPTED');
    // The stale page (older version) says so and shows the page as it is now.
    const stale = await click(
      PATTI,
      'review.doc',
      action(page3, 'review.doc', (d) => d.decision === 'ACCEPT' && d.documentId !== photo.id).data,
    );
    expect(textOf(stale)).toContain('This claim changed since you last saw it.');
    expect(textOf(stale)).toContain('21–30 of 40');
  });

  it('the partner reaches every document to replace or remove it', async () => {
    const c = await bigClaim('ACTION_REQUIRED');
    for (const [kind, n] of Object.entries(KINDS)) {
      const { ids } = await allPages(ALEX, c.id, kind, 'doc.remove');
      expect([kind, ids.size]).toEqual([kind, n]);
    }
    const { cards } = await allPages(ALEX, c.id, 'PROOF', 'doc.remove');
    const last = cards.at(-1)!;
    const removing = await h.world.db.document.findFirstOrThrow({ where: { claimId: c.id, fileName: 'proof-040.jpg' } });
    const after = await click(ALEX, 'doc.remove', action(last, 'doc.remove', (d) => d.documentId === removing.id).data);
    expect(textOf(after)).toContain('Proof of execution (39)');
    expect(textOf(after)).toContain('31–39 of 39');
  });

  it('every card of such a claim stays within 80 KB counted as UTF-16', async () => {
    const review = await bigClaim('IN_REVIEW');
    const fixing = await bigClaim('ACTION_REQUIRED');
    await h.world.db.uploadRequest.create({
      data: {
        claimId: fixing.id,
        requesterId: h.world.users.incentivesUser,
        assigneeId: h.world.users.colleague,
        kind: 'PROOF',
        message: 'More photos, please',
        dueAt: new Date('2026-12-15T23:59:59Z'),
      },
    });
    const cards: Array<[string, unknown]> = [
      ['claim card (reviewer)', await click(PATTI, 'claim.open', { claimId: review.id })],
      ['claim card (partner)', await click(ALEX, 'claim.open', { claimId: fixing.id })],
      ['claim card (colleague)', await click(ISAIAH, 'claim.open', { claimId: fixing.id })],
      ['history', await click(ALEX, 'claim.history', { claimId: fixing.id })],
      ['approve form', await click(PATTI, 'review.approve.form', { claimId: review.id })],
      ['reject form', await click(PATTI, 'review.reject.form', { claimId: review.id })],
      ['request information form', await click(PATTI, 'review.requestInfo.form', { claimId: review.id })],
      ['comment form', await click(ALEX, 'comment.form', { claimId: fixing.id })],
      ['ask a colleague form', await click(ALEX, 'upload.ask.form', { claimId: fixing.id })],
      ['add proof form', await click(ALEX, 'doc.add.form', { claimId: fixing.id, kind: 'PROOF' })],
      ['documents page (reviewer)', await click(PATTI, 'claim.documents', { claimId: review.id, kind: 'PROOF', page: 1 })],
      ['documents page (partner)', await click(ALEX, 'claim.documents', { claimId: fixing.id, kind: 'PROOF', page: 4 })],
    ];
    for (const [name, card] of cards) expect([name, utf16Bytes(card) <= LIMIT, utf16Bytes(card)]).toEqual([name, true, expect.any(Number)]);
  });
});

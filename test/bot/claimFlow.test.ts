import {
  ALEX,
  PATTI,
  botAddedActivity,
  executeActivity,
  fileActivity,
  installActivity,
  messageActivity,
  type TeamsUser,
} from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, choicesOf, invokeCard, textOf } from '../helpers/cardQuery';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost } from '../stubs/fileHost';
import { fixture } from '../fixtures/files/ooxml';

/** The partner's whole "create and manage a claim" story, over HTTP, as Teams would drive it. */
describe('bot: create and manage a claim in chat', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: Awaited<ReturnType<typeof startFileHost>>;

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    // A small size limit, so the oversized-file case needs no large fixture.
    h = await startBotHarness({ FILE_MAX_BYTES: String(64 * 1024) });
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await fileHost.close();
  });

  const convOf = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
  const lastCard = (u: TeamsUser) => connector.cardsIn(convOf(u)).at(-1);
  async function say(u: TeamsUser, text: string) {
    const before = connector.sent(convOf(u)).length;
    const r = await h.post(messageActivity(u, connector.url, text));
    expect(r.status).toBe(200);
    await connector.waitFor((s) => s.sent(convOf(u)).length > before);
    return lastCard(u);
  }
  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }

  let createData: Record<string, unknown> = {};
  let claimId = '';
  let number = '';
  let card: unknown;
  const currentVersion = async () => (await h.world.db.claim.findUniqueOrThrow({ where: { id: claimId } })).version;

  it('welcomes the user once when the app is installed, and remembers where to reach them', async () => {
    await h.post(installActivity(PATTI, connector.url));
    await h.post(botAddedActivity(PATTI, connector.url));
    await connector.waitFor((s) => s.sent(convOf(PATTI)).length > 0);
    await new Promise((r) => setTimeout(r, 200));
    const cards = connector.cardsIn(convOf(PATTI));
    expect(cards).toHaveLength(1);
    // A reviewer's welcome lists the review queue.
    expect(textOf(cards[0])).toMatch(/reviews/);
    expect(await h.world.db.conversationRef.count({ where: { conversationId: convOf(PATTI) } })).toBe(1);
  });

  it('answers unknown text with the help card listing the commands', async () => {
    const c = await say(ALEX, 'what can you do');
    expect(textOf(c)).toMatch(/new claim/i);
    expect(textOf(c)).toMatch(/history/i);
  });

  it('"claim" or "history" without a number (as picked from the command menu) shows the claims to pick from', async () => {
    for (const text of ['claim', 'history', '기록']) {
      const c = await say(ALEX, text);
      expect(textOf(c)).toMatch(/Your co-op funds/);
    }
  });

  it('shows the create form with the funds the user may claim against, and keeps values on a validation error', async () => {
    const form = await say(ALEX, 'new claim');
    const allocations = choicesOf(form, 'fundAllocationId');
    expect(allocations.length).toBeGreaterThan(0);
    expect(allocations.map((a) => a.title).join('\n')).toMatch(/CSP Indirect Reseller/);
    const seminar = choicesOf(form, 'activityTypeId').find((c) => /seminar/i.test(c.title))!;
    expect(seminar).toBeDefined();
    const create = action(form, 'claim.create');
    const fields = {
      fundAllocationId: h.world.allocation.id,
      activityTypeId: seminar.value,
      name: 'Autumn partner seminar',
      amount: '12,50x',
      activityStart: '2026-09-10',
      activityEnd: '2026-09-11',
      description: 'Two-day seminar',
    };
    const bad = await click(ALEX, 'claim.create', { ...create.data, ...fields });
    expect(textOf(bad)).toContain('Autumn partner seminar');
    expect(textOf(bad)).toMatch(/amount/i);
    expect(await h.world.db.claim.count()).toBe(0);

    createData = { ...action(bad, 'claim.create').data, ...fields, amount: '1,250.50' };
    card = await click(ALEX, 'claim.create', createData);
    const claim = await h.world.db.claim.findFirstOrThrow();
    claimId = claim.id;
    number = claim.number;
    expect(number).toMatch(/^CLM-2026-\d{5}$/);
    expect(claim.amountMinor).toBe(125_050);
    expect(textOf(card)).toContain(number);
    expect(textOf(card)).toMatch(/Editing/);
  });

  it('a repeated click on the same create card creates one claim', async () => {
    const again = await click(ALEX, 'claim.create', createData);
    expect(textOf(again)).toContain(number);
    expect(await h.world.db.claim.count()).toBe(1);
  });

  it('refuses submit while incomplete, listing every missing item on the card', async () => {
    const before = await currentVersion();
    const c = await click(ALEX, 'claim.submit', { claimId, version: before, idempotencyKey: 'submit-incomplete-1' });
    const text = textOf(c);
    expect(text).toMatch(/invoice|CSR/i);
    expect(text).toMatch(/proof/i);
    expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('EDITING');
  });

  it('adds a CSR from a form, with its PDF stored and linked, and a metric, each shown on the claim card', async () => {
    const v = await currentVersion();
    const form = await click(ALEX, 'doc.add.form', { claimId, version: v, kind: 'CSR' });
    // 10 × 15.00 entered as 160.00 comes back on that line, with what was typed.
    const csr = {
      ...action(form, 'csr.generate').data,
      description: 'Seminar preparation by our staff',
      item1: 'Staff time',
      quantity1: '10',
      unitCost1: '15',
      total1: '160',
      item2: 'Speaker preparation',
      quantity2: '5',
      unitCost2: '220.10',
      total2: '1100.50',
      certifiedBy: 'Alex Wilber',
      attestation: 'true',
    };
    const again = await click(ALEX, 'csr.generate', csr);
    expect(textOf(again)).toContain('Line 1 · Line total (USD): 10 × 15.00 is 150.00, not 160.00.');
    expect(textOf(again)).toContain('Speaker preparation');
    expect(await h.world.db.document.count({ where: { claimId, kind: 'CSR' } })).toBe(0);
    card = await click(ALEX, 'csr.generate', { ...action(again, 'csr.generate').data, ...csr, total1: '150' });
    expect(textOf(card)).toMatch(/Seminar preparation by our staff|Staff time/);
    const doc = await h.world.db.document.findFirstOrThrow({ where: { claimId, kind: 'CSR' } });
    expect(doc).toMatchObject({ fileName: `CSR ${number}.pdf`, contentType: 'application/pdf' });
    expect(doc.fields).toMatchObject({ amountMinor: 125_050 });
    const link = textOf(card).match(new RegExp(`\\[CSR ${number}\\.pdf\\]\\((http[^)\\s]+)\\)`))?.[1];
    expect(link).toBeDefined();
    const served = await fetch(link!.replace(/^http:\/\/localhost:\d+/, h.bot.url));
    expect(served.status).toBe(200);
    expect(
      Buffer.from(await served.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    card = await click(ALEX, 'metric.add', {
      claimId,
      version: await currentVersion(),
      idempotencyKey: 'metric-key-1',
      name: 'Registered guests',
      value: '87',
    });
    expect(textOf(card)).toMatch(/Registered guests/);
    expect(textOf(card)).toContain('87');
    expect(await h.world.db.document.count({ where: { claimId, kind: 'METRIC' } })).toBe(1);
  });

  it('takes a proof file sent in chat after the proof form, and stores it on the claim', async () => {
    const prompt = await click(ALEX, 'doc.add', {
      claimId,
      version: await currentVersion(),
      kind: 'PROOF',
      details: 'Agenda and photos of the seminar',
      idempotencyKey: 'proof-key-1',
    });
    expect(textOf(prompt)).toMatch(/file/i);
    fileHost.serve('/files/agenda.pdf', fixture('invoice.pdf'), 'application/pdf');
    const before = connector.sent(convOf(ALEX)).length;
    await h.post(
      fileActivity(ALEX, connector.url, { name: 'agenda.pdf', downloadUrl: `${fileHost.url}/files/agenda.pdf`, fileType: 'pdf' }),
    );
    await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
    expect(textOf(lastCard(ALEX))).toContain('agenda.pdf');
    const doc = await h.world.db.document.findFirstOrThrow({ where: { claimId, kind: 'PROOF' } });
    expect(doc.fileName).toBe('agenda.pdf');
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The card links the stored file; the signed link serves exactly those bytes, and a forged one nothing.
    const link = textOf(lastCard(ALEX)).match(/\[agenda\.pdf\]\((http[^)\s]+)\)/)?.[1];
    expect(link).toBeDefined();
    const served = await fetch(link!.replace(/^http:\/\/localhost:\d+/, h.bot.url));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(fixture('invoice.pdf'))).toBe(true);
    const forged = await fetch(link!.replace(/^http:\/\/localhost:\d+/, h.bot.url).replace(/[^/]+$/, 'forged-signature'));
    expect(forged.status).toBe(404);
  });

  it('refuses a file that is not an allowed type, from a disallowed host, or with nothing pending — storing nothing', async () => {
    const docs = await h.world.db.document.count();
    // Nothing pending now: the file has nowhere to go.
    fileHost.serve('/files/tool.pdf', fixture('tool.exe'), 'application/pdf');
    let before = connector.sent(convOf(ALEX)).length;
    await h.post(fileActivity(ALEX, connector.url, { name: 'tool.pdf', downloadUrl: `${fileHost.url}/files/tool.pdf`, fileType: 'pdf' }));
    await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
    expect(textOf(lastCard(ALEX))).toMatch(/claim|add/i);

    await click(ALEX, 'doc.add', {
      claimId,
      version: await currentVersion(),
      kind: 'PROOF',
      details: 'Photo of the booth',
      idempotencyKey: 'proof-key-2',
    });
    before = connector.sent(convOf(ALEX)).length;
    await h.post(fileActivity(ALEX, connector.url, { name: 'tool.pdf', downloadUrl: `${fileHost.url}/files/tool.pdf`, fileType: 'pdf' }));
    await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
    expect(textOf(lastCard(ALEX))).toMatch(/type|PDF/i);

    before = connector.sent(convOf(ALEX)).length;
    await h.post(fileActivity(ALEX, connector.url, { name: 'a.pdf', downloadUrl: 'https://evil.example.com/a.pdf', fileType: 'pdf' }));
    await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
    expect(textOf(lastCard(ALEX))).toMatch(/not allowed|host|place/i);

    fileHost.serve('/files/huge.pdf', Buffer.concat([fixture('invoice.pdf'), Buffer.alloc(100 * 1024, 0x20)]), 'application/pdf');
    before = connector.sent(convOf(ALEX)).length;
    await h.post(fileActivity(ALEX, connector.url, { name: 'huge.pdf', downloadUrl: `${fileHost.url}/files/huge.pdf`, fileType: 'pdf' }));
    await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
    expect(textOf(lastCard(ALEX))).toMatch(/too large/i);
    expect(await h.world.db.document.count()).toBe(docs);
  });

  it('a stale card gets the current card and a note, never an action on old data', async () => {
    const v = await currentVersion();
    const c = await click(ALEX, 'metric.add', { claimId, version: v - 1, idempotencyKey: 'metric-stale', name: 'Attendees', value: '5' });
    expect(textOf(c)).toMatch(/changed/i);
    expect(await h.world.db.document.count({ where: { claimId, kind: 'METRIC' } })).toBe(1);
  });

  it('submits once the claim is complete; a double click is applied once; the reviewer is told', async () => {
    await say(PATTI, 'help'); // the reviewer has talked to the bot, so a 1:1 conversation is stored
    const v = await currentVersion();
    const [a, b] = await Promise.all([
      click(ALEX, 'claim.submit', { claimId, version: v, idempotencyKey: 'submit-final' }),
      click(ALEX, 'claim.submit', { claimId, version: v, idempotencyKey: 'submit-final' }),
    ]);
    expect(textOf(a)).toMatch(/Submitted/);
    expect(textOf(b)).toMatch(/Submitted/);
    const claim = await h.world.db.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim.status).toBe('SUBMITTED');
    expect(await h.world.db.historyEvent.count({ where: { claimId, type: 'submitted' } })).toBe(1);
    await connector.waitFor((s) => s.cardsIn(convOf(PATTI)).some((c) => textOf(c).includes(number)), 10_000);
  });

  it('shows the overview with funds and the claim, and the history newest first', async () => {
    const o = await say(ALEX, 'claims');
    expect(textOf(o)).toContain(number);
    expect(textOf(o)).toMatch(/\$48,000\.00|48,000/);
    const hist = await say(ALEX, `history ${number}`);
    const text = textOf(hist);
    expect(text.indexOf('Submitted')).toBeGreaterThan(-1);
    expect(text).toMatch(/Alex Wilber/);
  });

  it('speaks Korean to a Korean Teams client, validation errors included', async () => {
    const ko: TeamsUser = { ...ALEX, locale: 'ko-KR' };
    const form = await say(ko, '새 청구');
    expect(textOf(form)).toMatch(/[가-힣]/);
    const r = await h.post(
      executeActivity(ko, connector.url, 'claim.create', {
        ...action(form, 'claim.create').data,
        fundAllocationId: h.world.allocation.id,
        name: '가을 세미나',
        amount: 'abc',
        activityStart: '2026-09-10',
        activityEnd: '2026-09-11',
      }),
    );
    const bad = invokeCard(r.body);
    expect(textOf(bad)).toContain('가을 세미나');
    // The field-level message is Korean too, not zod's English.
    expect(textOf(bad)).toContain('1250 또는 1250.50과 같이 금액을 입력하세요.');
    expect(textOf(bad)).not.toMatch(/Enter an amount/);
    const detail = await say(ko, `claim ${number}`);
    expect(textOf(detail)).toMatch(/제출됨|검토/);
  });
});

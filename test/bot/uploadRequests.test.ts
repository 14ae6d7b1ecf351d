import { redeliverWaitingRequests } from '../../bot/handlers/uploadRequests';
import { remindOverdueUploads } from '../../services/expiry';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { ALEX, ISAIAH, PATTI, executeActivity, fileActivity, messageActivity, searchActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, choicesOf, findInput, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost, type FileHost } from '../stubs/fileHost';
import { startGraphStub, type GraphStub } from '../stubs/graph';
import { fixture } from '../fixtures/files/ooxml';

/**
 * The local Graph stub has no token endpoint (MSAL refuses a non-https authority), so a bot whose
 * Graph base URL is a loopback stub gets a test token provider; both its handlers and its outbox
 * worker then talk to the stub. (Stands in for startBot accepting Graph options.)
 */

/**
 * Issue #4's "ask a colleague" story, over HTTP as Teams drives it, with the outbox worker running
 * inside the bot: notifications reach the connector stub asynchronously.
 */

const convOf = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
const DUE = '2026-12-05';

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Helpers bound to one running bot and connector. */
function driver(h: BotHarness, connector: ConnectorStub) {
  const say = async (u: TeamsUser, text: string) => {
    const before = connector.sent(convOf(u)).length;
    const r = await h.post(messageActivity(u, connector.url, text));
    expect(r.status).toBe(200);
    await connector.waitFor((s) => s.sent(convOf(u)).length > before);
    return connector.cardsIn(convOf(u)).at(-1);
  };
  const click = async (u: TeamsUser, verb: string, data: Record<string, unknown>) => {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  };
  /** Waits for a card in the conversation (delivered by the outbox) whose text matches. */
  const cardArrives = async (conversationId: string, match: RegExp, timeoutMs = 5000) => {
    await connector.waitFor((s) => s.cardsIn(conversationId).some((c) => match.test(textOf(c))), timeoutMs);
    return connector
      .cardsIn(conversationId)
      .filter((c) => match.test(textOf(c)))
      .at(-1);
  };
  /** Alex fills the ask form for the claim and sends it; returns the card he gets back. */
  const ask = async (claimId: string, fields: { assigneeId: string; kind?: string; message?: string; dueDate?: string }) => {
    const form = await click(ALEX, 'upload.ask.form', { claimId });
    const send = action(form, 'upload.ask');
    return click(ALEX, 'upload.ask', { ...send.data, kind: 'PROOF', message: 'Photos of the booth, please', dueDate: DUE, ...fields });
  };
  return { say, click, cardArrives, ask };
}

describe('bot: ask a colleague to upload (Graph not configured)', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: FileHost;
  let d: ReturnType<typeof driver>;
  let claim: { id: string; number: string };
  let isaiahPick = '';
  let unreachableRequestId = '';

  const db = () => h.world.db;
  const snapshot = async () => {
    const c = await db().claim.findUniqueOrThrow({ where: { id: claim.id } });
    return {
      version: c.version,
      status: c.status,
      docs: await db().document.count({ where: { claimId: claim.id } }),
      history: await db().historyEvent.count({ where: { claimId: claim.id } }),
    };
  };
  // The test clock stands still, so requests are told apart by their message, not by creation time.
  const requestAsking = (message: string) => db().uploadRequest.findFirstOrThrow({ where: { claimId: claim.id, message } });

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    h = await startBotHarness();
    d = driver(h, connector);
    claim = await insertClaim(h.world, { ownerId: h.world.users.incentivesUser });
    // Someone of another organisation whose name also matches "isa": the search must never show them.
    const other = await db().organisation.create({ data: { tenantId: '11111111-2222-3333-4444-555555555555', name: 'Fabrikam' } });
    await db().user.create({
      data: {
        organisationId: other.id,
        tenantId: other.tenantId,
        aadObjectId: '00000000-0000-0000-0000-00000000f001',
        displayName: 'Isabel Outsider',
        email: 'isabel@fabrikam.example',
      },
    });
    await d.say(ALEX, 'help'); // Alex's 1:1 chat is stored, so he can be told things
  });
  afterAll(async () => {
    await h?.close();
    await connector?.close();
    await fileHost?.close();
  });

  it('opens the ask form on the claim and finds Isaiah, and nobody of another organisation, by name', async () => {
    const form = await d.click(ALEX, 'upload.ask.form', { claimId: claim.id });
    expect(textOf(form)).toMatch(/Ask a colleague/);
    expect(textOf(form)).toContain(claim.number);
    const picker = findInput(form, 'assigneeId')!;
    expect(picker.choices as unknown as { dataset?: string } | undefined).toBeDefined();
    expect(JSON.stringify(picker)).toContain('"dataset":"colleagues"');
    expect(
      choicesOf(form, 'assigneeId')
        .map((c) => c.title)
        .join('\n'),
    ).toMatch(/Isaiah Langer/);
    expect(
      choicesOf(form, 'assigneeId')
        .map((c) => c.title)
        .join('\n'),
    ).not.toMatch(/Isabel Outsider|Alex Wilber|Patti Fernandez/);

    const r = await h.post(searchActivity(ALEX, connector.url, 'colleagues', 'isa'));
    expect(r.status).toBe(200);
    const body = r.body as { type: string; value: { results: Array<{ value: string; title: string }> } };
    expect(body.type).toBe('application/vnd.microsoft.search.searchResponse');
    expect(body.value.results.map((x) => x.title)).toEqual([expect.stringMatching(/^Isaiah Langer/)]);
    isaiahPick = body.value.results[0]!.value;

    const none = await h.post(searchActivity(ALEX, connector.url, 'colleagues', 'fabrikam'));
    expect((none.body as typeof body).value.results).toEqual([]);
    // Reviewers sit in the demo tenant, but they judge claims: the picker never offers them.
    const reviewer = await h.post(searchActivity(ALEX, connector.url, 'colleagues', 'patti'));
    expect((reviewer.body as typeof body).value.results).toEqual([]);
    const refused = await d.ask(claim.id, { assigneeId: `user:${h.world.users.reviewer}`, kind: 'INVOICE', message: 'Not for you' });
    expect(textOf(refused)).toContain('Colleague: Pick a colleague from your organisation.');
    expect(await db().uploadRequest.count({ where: { message: 'Not for you' } })).toBe(0);
  });

  it('asking Isaiah before he ever talked to the bot: saved, and Alex is told plainly he cannot be reached yet', async () => {
    const sent = await d.ask(claim.id, { assigneeId: isaiahPick, kind: 'INVOICE', message: 'The venue invoice' });
    const text = textOf(sent);
    expect(text).toMatch(/Isaiah Langer/);
    expect(text).toMatch(/couldn't reach Isaiah Langer yet/i);
    expect(text).not.toMatch(/Request sent/);
    const req = await requestAsking('The venue invoice');
    expect(req).toMatchObject({
      status: 'OPEN',
      kind: 'INVOICE',
      assigneeId: h.world.users.colleague,
      requesterId: h.world.users.incentivesUser,
    });
    unreachableRequestId = req.id;
    // The outbox cannot deliver his card: it is dead-lettered as unreachable.
    const dedupeKey = `upload_requested:${req.id}:${h.world.users.colleague}`;
    await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).status === 'DEAD');
    expect((await db().outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).lastError).toMatch(/unreachable: no_conversation/);
  });

  let requestCard: unknown;
  let proofRequestId = '';

  it('once Isaiah has a 1:1 chat, the ask says he was reached, and his request card arrives', async () => {
    await d.say(ISAIAH, 'help');
    const sent = await d.ask(claim.id, { assigneeId: isaiahPick, kind: 'PROOF', message: 'Photos of the booth, please' });
    expect(textOf(sent)).toMatch(/Request sent/);
    expect(textOf(sent)).toMatch(/I asked Isaiah Langer/);
    expect(textOf(sent)).not.toMatch(/reach/i);
    proofRequestId = (await requestAsking('Photos of the booth, please')).id;

    requestCard = await d.cardArrives(convOf(ISAIAH), /Photos of the booth/);
    const text = textOf(requestCard);
    expect(text).toMatch(/Alex Wilber needs a document from you/);
    expect(text).toContain(claim.number);
    expect(text).toMatch(/Proof/i);
    expect(text).toMatch(/Dec(ember)? 5, 2026|2026-12-05/);
    const titles = actions(requestCard).map((a) => a.title);
    expect(titles).toContain('Upload');
    expect(JSON.stringify(requestCard)).toMatch(/"title":"Decline"/);
    expect(action(requestCard, 'upload.start').data).toEqual({ uploadRequestId: proofRequestId });
  });

  it('the request that could not reach him earlier is sent once he has talked to the bot', async () => {
    // His "help" turn stored his chat; the bot re-queued the request that had been dead-lettered as unreachable.
    const card = await d.cardArrives(convOf(ISAIAH), /The venue invoice/);
    expect(action(card, 'upload.start').data).toEqual({ uploadRequestId: unreachableRequestId });
    // Nothing is left waiting: a further turn re-queues nothing.
    expect(await redeliverWaitingRequests(h.bot.deps, h.world.users.colleague)).toBe(0);
    // Alex, who was told "couldn't reach Isaiah yet", is now told it reached him (once).
    const reached = await d.cardArrives(convOf(ALEX), /Your request reached Isaiah Langer/);
    expect(textOf(reached)).toContain(`Isaiah Langer opened Co-op Claims and now has your request for the invoice on ${claim.number}`);
    expect(action(reached, 'claim.open').data).toEqual({ claimId: claim.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.cardsIn(convOf(ALEX)).filter((c) => /Your request reached/.test(textOf(c)))).toHaveLength(1);
    // A request delivered at the first try says nothing more to the asker.
    expect(await db().outboxMessage.count({ where: { kind: 'upload_reached' } })).toBe(1);
  });

  it('a file sent before clicking Upload is not stored; Isaiah is shown the request to answer', async () => {
    fileHost.serve('/files/early.pdf', fixture('invoice.pdf'), 'application/pdf');
    const docs = await db().document.count();
    const before = connector.sent(convOf(ISAIAH)).length;
    await h.post(
      fileActivity(ISAIAH, connector.url, { name: 'early.pdf', downloadUrl: `${fileHost.url}/files/early.pdf`, fileType: 'pdf' }),
    );
    await connector.waitFor((s) => s.sent(convOf(ISAIAH)).length > before);
    const reply = connector.cardsIn(convOf(ISAIAH)).at(-1);
    expect(textOf(reply)).toMatch(/select Upload on it first/);
    expect([proofRequestId, unreachableRequestId]).toContain(action(reply, 'upload.start').data.uploadRequestId);
    expect(await db().document.count()).toBe(docs);
  });

  it('Isaiah clicks Upload, writes his own note, sends a PDF: it lands on the claim as his, the request is fulfilled, Alex is told', async () => {
    // The proof is described first: Alex's instruction is shown apart, and the note is Isaiah's to write.
    const form = await d.click(ISAIAH, 'upload.start', action(requestCard, 'upload.start').data);
    expect(textOf(form)).toContain('Alex Wilber asked you:');
    expect(textOf(form)).toContain('Photos of the booth, please');
    expect(findInput(form, 'details')).toMatchObject({ isRequired: true });
    expect(findInput(form, 'details')?.value).toBeUndefined();
    const submit = action(form, 'upload.start');
    expect(submit.data).toMatchObject({ uploadRequestId: proofRequestId, idempotencyKey: expect.any(String) });
    // Without a note of his own nothing waits for a file, and the form says what is missing.
    const noNote = await d.click(ISAIAH, 'upload.start', { ...submit.data, details: '  ', url: '' });
    expect(textOf(noNote)).toMatch(/Explanatory note/);
    expect(await db().pendingUpload.count({ where: { userId: h.world.users.colleague } })).toBe(0);
    const note = 'Our stand at the Ignite partner pavilion, Microsoft logo on the back wall';
    const prompt = await d.click(ISAIAH, 'upload.start', { ...action(noNote, 'upload.start').data, details: note, url: '' });
    expect(textOf(prompt)).toMatch(/file/i);
    expect(textOf(prompt)).toContain(claim.number);

    fileHost.serve('/files/booth.pdf', fixture('invoice.pdf'), 'application/pdf');
    const before = connector.sent(convOf(ISAIAH)).length;
    const r = await h.post(
      fileActivity(ISAIAH, connector.url, { name: 'booth.pdf', downloadUrl: `${fileHost.url}/files/booth.pdf`, fileType: 'pdf' }),
    );
    expect(r.status).toBe(200);
    await connector.waitFor((s) => s.sent(convOf(ISAIAH)).length > before);
    const reply = connector.cardsIn(convOf(ISAIAH)).at(-1);
    expect(textOf(reply)).toMatch(/Uploaded/); // his request card, now fulfilled
    expect(textOf(reply)).not.toMatch(/not a participant|error|wrong/i);

    const doc = await db().document.findFirstOrThrow({ where: { claimId: claim.id, kind: 'PROOF', fileName: 'booth.pdf' } });
    expect(doc.uploaderId).toBe(h.world.users.colleague);
    expect(doc.details).toBe(note);
    const req = await db().uploadRequest.findUniqueOrThrow({ where: { id: proofRequestId } });
    expect(req).toMatchObject({ status: 'FULFILLED', documentId: doc.id });
    expect(await db().historyEvent.count({ where: { claimId: claim.id, type: 'upload_fulfilled' } })).toBe(1);

    const told = await d.cardArrives(convOf(ALEX), /Document uploaded/);
    expect(textOf(told)).toMatch(/Isaiah Langer uploaded the Proof/i);
    expect(textOf(told)).toContain(claim.number);
  });

  it('a fulfilled request cannot be answered again: a second Upload click is refused and nothing waits for a file', async () => {
    const again = await d.click(ISAIAH, 'upload.start', { uploadRequestId: proofRequestId });
    expect(textOf(again)).toMatch(/already closed/i);
    expect(textOf(again)).toMatch(/Uploaded/);
    expect(actions(again).map((a) => a.verb)).not.toContain('upload.start');
    expect(await db().pendingUpload.count({ where: { userId: h.world.users.colleague } })).toBe(0);
  });

  it('an invoice request is described on a form first (vendor, number, date, amount), then the file lands with that data', async () => {
    await d.ask(claim.id, { assigneeId: isaiahPick, kind: 'INVOICE', message: 'The hotel invoice' });
    const req = await requestAsking('The hotel invoice');
    const card = await d.cardArrives(convOf(ISAIAH), /The hotel invoice/);
    const form = await d.click(ISAIAH, 'upload.start', action(card, 'upload.start').data);
    expect(findInput(form, 'vendor')).toBeDefined();
    expect(findInput(form, 'invoiceNumber')).toBeDefined();
    const submit = action(form, 'upload.start');
    expect(submit.data).toMatchObject({ uploadRequestId: req.id });

    // A typo in the amount comes back on the same form with what he typed, and nothing waits for a file.
    const fields = { vendor: 'Hotel Seattle', invoiceNumber: 'HS-2026-88', invoiceDate: '2026-09-02', amount: '12x' };
    const again = await d.click(ISAIAH, 'upload.start', { ...submit.data, ...fields });
    expect(textOf(again)).toMatch(/Hotel Seattle/);
    expect(textOf(again)).toMatch(/amount/i);
    expect(await db().pendingUpload.count({ where: { userId: h.world.users.colleague } })).toBe(0);

    const prompt = await d.click(ISAIAH, 'upload.start', { ...action(again, 'upload.start').data, ...fields, amount: '980.00' });
    expect(textOf(prompt)).toMatch(/file/i);
    fileHost.serve('/files/hotel.pdf', fixture('invoice.pdf'), 'application/pdf');
    const before = connector.sent(convOf(ISAIAH)).length;
    await h.post(
      fileActivity(ISAIAH, connector.url, { name: 'hotel.pdf', downloadUrl: `${fileHost.url}/files/hotel.pdf`, fileType: 'pdf' }),
    );
    await connector.waitFor((s) => s.sent(convOf(ISAIAH)).length > before);
    const doc = await db().document.findFirstOrThrow({ where: { claimId: claim.id, kind: 'INVOICE', fileName: 'hotel.pdf' } });
    expect(doc).toMatchObject({
      uploaderId: h.world.users.colleague,
      fields: expect.objectContaining({ vendor: 'Hotel Seattle', invoiceNumber: 'HS-2026-88', amountMinor: 98_000 }),
    });
    expect(await db().uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({
      status: 'FULFILLED',
      documentId: doc.id,
    });
    await d.cardArrives(convOf(ALEX), /uploaded the invoice/i);
  });

  it('Isaiah declines a request: without a reason it is refused and nothing changes; with one, Alex is told why', async () => {
    await d.ask(claim.id, { assigneeId: isaiahPick, kind: 'ADDITIONAL_INFO', message: 'The attendee list' });
    const req = await requestAsking('The attendee list');
    const card = await d.cardArrives(convOf(ISAIAH), /The attendee list/);
    const decline = action(card, 'upload.decline');
    expect(decline.data.uploadRequestId).toBe(req.id);

    const before = await snapshot();
    const refused = await d.click(ISAIAH, 'upload.decline', { ...decline.data, reason: '   ' });
    expect(textOf(refused)).toMatch(/Give a short reason/);
    // The answer replaces the card in Teams: it is still the request, with its buttons.
    expect(action(refused, 'upload.decline').data.uploadRequestId).toBe(req.id);
    expect(action(refused, 'upload.start').data.uploadRequestId).toBe(req.id);
    expect(await db().uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: 'OPEN' });
    expect(await snapshot()).toEqual(before);

    const declined = await d.click(ISAIAH, 'upload.decline', { ...decline.data, reason: 'I was not at that event' });
    expect(textOf(declined)).toMatch(/Declined/);
    expect(actions(declined).map((a) => a.verb)).not.toContain('upload.start');
    expect(await db().uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({
      status: 'DECLINED',
      declineReason: 'I was not at that event',
    });
    const told = await d.cardArrives(convOf(ALEX), /declined/i);
    expect(textOf(told)).toMatch(/Isaiah Langer declined/);
    expect(textOf(told)).toMatch(/I was not at that event/);
  });

  it('Alex cancels an open request: Isaiah is told, and his later Upload click is refused clearly', async () => {
    const cancelled = await d.click(ALEX, 'upload.cancel', { uploadRequestId: unreachableRequestId });
    expect(textOf(cancelled)).toContain(claim.number);
    expect(await db().uploadRequest.findUniqueOrThrow({ where: { id: unreachableRequestId } })).toMatchObject({ status: 'CANCELLED' });
    const told = await d.cardArrives(convOf(ISAIAH), /Upload request cancelled/);
    expect(textOf(told)).toMatch(/Alex Wilber cancelled the request for the Invoice/i);

    const refused = await d.click(ISAIAH, 'upload.start', { uploadRequestId: unreachableRequestId });
    expect(textOf(refused)).toMatch(/already closed/i);
    expect(textOf(refused)).toMatch(/Alex Wilber cancelled this request/);
    expect(actions(refused).map((a) => a.verb)).not.toContain('upload.start');
    expect(await db().pendingUpload.count({ where: { userId: h.world.users.colleague } })).toBe(0);
  });

  it('the colleague can touch nothing else on the claim through the bot', async () => {
    await d.ask(claim.id, { assigneeId: isaiahPick, kind: 'METRIC', message: 'Attendee count' }); // he has an open request again
    const before = await snapshot();
    const v = before.version;
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['claim.submit', { claimId: claim.id, version: v, idempotencyKey: 'isaiah-submit' }],
      ['metric.add', { claimId: claim.id, version: v, idempotencyKey: 'isaiah-metric', name: 'Registered guests', value: '12' }],
      ['claim.cancel', { claimId: claim.id, version: v, idempotencyKey: 'isaiah-cancel' }],
      ['review.approve', { claimId: claim.id, version: v, idempotencyKey: 'isaiah-approve', approvedAmount: '1000.00' }],
      ['upload.cancel', { uploadRequestId: (await requestAsking('Attendee count')).id }],
    ];
    for (const [verb, data] of attempts) {
      const card = await d.click(ISAIAH, verb, data);
      expect([verb, textOf(card)]).toEqual([
        verb,
        expect.stringMatching(/role needed|need another role|not allowed|permission|only|not .*participant|someone else/i),
      ]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await requestAsking('Attendee count')).toMatchObject({ status: 'OPEN' });
  });

  it('an overdue open request reminds Isaiah once per interval', async () => {
    const req = await requestAsking('Attendee count');
    expect(await db().uploadRequest.count({ where: { assigneeId: h.world.users.colleague, status: 'OPEN' } })).toBe(1); // the others are closed
    const reminders = () => connector.cardsIn(convOf(ISAIAH)).filter((c) => /Reminder: a document is due/.test(textOf(c))).length;
    expect(await remindOverdueUploads(h.bot.deps.svc)).toBe(0); // not due yet
    h.world.clock.current = new Date(req.dueAt.getTime() + 3_600_000);
    expect(await remindOverdueUploads(h.bot.deps.svc)).toBe(1);
    expect(await remindOverdueUploads(h.bot.deps.svc)).toBe(0); // same interval: no second reminder
    await connector.waitFor(() => reminders() === 1);
    const card = connector
      .cardsIn(convOf(ISAIAH))
      .filter((c) => /Reminder/.test(textOf(c)))
      .at(-1);
    expect(textOf(card)).toContain(claim.number);
    expect(action(card, 'upload.start').data).toEqual({ uploadRequestId: req.id });

    h.world.clock.current = new Date(h.world.clock.current.getTime() + 25 * 3_600_000); // the next day (24 h interval)
    expect(await remindOverdueUploads(h.bot.deps.svc)).toBe(1);
    await connector.waitFor(() => reminders() === 2);
    await new Promise((r) => setTimeout(r, 300)); // nothing more trickles in
    expect(reminders()).toBe(2);
  });

  it('a metric request is answered with its name and value on a form, then the file (even when overdue)', async () => {
    const req = await requestAsking('Attendee count');
    const form = await d.click(ISAIAH, 'upload.start', { uploadRequestId: req.id });
    expect(findInput(form, 'value')).toBeDefined();
    const submit = action(form, 'upload.start');
    const prompt = await d.click(ISAIAH, 'upload.start', { ...submit.data, name: '', otherName: 'Visitors at the booth', value: '87' });
    expect(textOf(prompt)).toMatch(/file/i);
    fileHost.serve('/files/visitors.csv', fixture('metrics.csv'), 'text/csv');
    const before = connector.sent(convOf(ISAIAH)).length;
    await h.post(
      fileActivity(ISAIAH, connector.url, { name: 'visitors.csv', downloadUrl: `${fileHost.url}/files/visitors.csv`, fileType: 'csv' }),
    );
    await connector.waitFor((s) => s.sent(convOf(ISAIAH)).length > before);
    const doc = await db().document.findFirstOrThrow({ where: { claimId: claim.id, kind: 'METRIC', fileName: 'visitors.csv' } });
    expect(doc).toMatchObject({ uploaderId: h.world.users.colleague, fields: { name: 'Visitors at the booth', value: '87' } });
    expect(await db().uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: 'FULFILLED' });
    expect(await remindOverdueUploads(h.bot.deps.svc)).toBe(0); // nothing open is left to remind of
  });

  it('Isaiah comments on the claim (kept in History); when the reviewer asks for more, he is not told to resubmit', async () => {
    const card = await d.click(ISAIAH, 'claim.open', { claimId: claim.id });
    const form = await d.click(ISAIAH, 'comment.form', action(card, 'comment.form').data);
    const posted = await d.click(ISAIAH, 'comment.add', {
      ...action(form, 'comment.add').data,
      text: 'The booth photos are from day two; day one had no logo wall yet.',
    });
    expect(textOf(posted)).toContain('Comment posted.');
    expect(textOf(posted)).toContain('The booth photos are from day two');
    const row = await db().historyEvent.findFirstOrThrow({ where: { claimId: claim.id, type: 'comment_added' } });
    expect(row.actorId).toBe(h.world.users.colleague);

    // The claim goes to review; the reviewer asks for more: each reader is told what is theirs to do.
    const c = await db().claim.update({ where: { id: claim.id }, data: { status: 'IN_REVIEW' } });
    await d.click(PATTI, 'review.requestInfo', {
      claimId: claim.id,
      version: c.version,
      idempotencyKey: 'colleague-audience-1',
      message: 'Please add the attendee list.',
    });
    const owner = await d.cardArrives(convOf(ALEX), /is now Action required/);
    expect(textOf(owner)).toContain('Update the claim and resubmit.');
    const colleague = await d.cardArrives(convOf(ISAIAH), /is now Action required/);
    expect(textOf(colleague)).toContain('The reviewer asked the claim owner for more information.');
    expect(textOf(colleague)).not.toMatch(/resubmit/i);
    expect(textOf(colleague)).toContain('Please add the attendee list.');
  });
});

describe('bot: ask a colleague who never opened the app (Graph configured)', () => {
  const CATALOG_ID = 'coop-claims-catalog-app';
  const MEGAN_AAD = '00000000-0000-0000-0000-0000000000021';
  const ADELE_AAD = '00000000-0000-0000-0000-0000000000022';
  const ISLA_AAD = '00000000-0000-0000-0000-00000000e001'; // in the directory, never used the bot
  let graph: GraphStub;
  let h: BotHarness;
  let connector: ConnectorStub;
  let d: ReturnType<typeof driver>;
  let claim: { id: string; number: string };

  beforeAll(async () => {
    connector = await startConnectorStub();
    graph = await startGraphStub({
      users: [
        { id: ALEX.aadObjectId, displayName: 'Alex Wilber', mail: 'alexw@example.com' },
        { id: ISAIAH.aadObjectId, displayName: 'Isaiah Langer', mail: 'isaiahl@example.com' },
        { id: MEGAN_AAD, displayName: 'Megan Bowen', mail: 'meganb@example.com' },
        { id: ISLA_AAD, displayName: 'Isla Newhire', mail: 'islan@example.com' },
        { id: ADELE_AAD, displayName: 'Adele Vance', mail: 'adelev@example.com' },
        // Neither is a colleague to ask: a guest of another organisation, and the reviewer.
        {
          id: '00000000-0000-0000-0000-00000000e002',
          displayName: 'Isabella Guest',
          mail: 'isabella@fabrikam.example',
          userPrincipalName: 'isabella_fabrikam.example#EXT#@contoso.onmicrosoft.com',
          userType: 'Guest',
        },
        { id: PATTI.aadObjectId, displayName: 'Patti Fernandez', mail: 'pattif@example.com' },
      ],
      catalogAppIds: [CATALOG_ID],
    });
    h = await startBotHarness(
      { GRAPH_BASE_URL: graph.url, GRAPH_TENANT_ID: DEMO_TENANT_ID, TEAMS_APP_CATALOG_ID: CATALOG_ID },
      // The Graph stub has no token endpoint (and the identity library refuses http authorities).
      { graph: { tokenProvider: async () => 'test-token', retry: { baseDelayMs: 10, maxDelayMs: 50 } } },
    );
    d = driver(h, connector);
    claim = await insertClaim(h.world, { ownerId: h.world.users.incentivesUser });
    await d.say(ALEX, 'help');
  });
  afterAll(async () => {
    await h?.close();
    await connector?.close();
    await graph?.close();
  });

  it("in 1:1 chat the form uses Teams' Graph people picker; picking Isaiah installs the app for him and his card arrives there", async () => {
    const form = await d.click(ALEX, 'upload.ask.form', { claimId: claim.id });
    expect(JSON.stringify(findInput(form, 'assigneeId'))).toContain('"dataset":"graph.microsoft.com/users"');

    // Teams' Graph picker submits the Entra object id.
    const sent = await d.ask(claim.id, { assigneeId: ISAIAH.aadObjectId, message: 'Photos from the stand' });
    expect(textOf(sent)).toMatch(/Request sent/);
    expect(textOf(sent)).not.toMatch(/reach/i);
    expect(graph.installedApps(ISAIAH.aadObjectId)).toEqual([expect.objectContaining({ teamsAppId: CATALOG_ID })]);

    const chat = `19:${ISAIAH.aadObjectId}_${CATALOG_ID}@unq.gbl.spaces`;
    const card = await d.cardArrives(chat, /Photos from the stand/);
    expect(textOf(card)).toMatch(/Alex Wilber needs a document from you/);
    expect(textOf(card)).toContain(claim.number);
    const req = await h.world.db.uploadRequest.findFirstOrThrow({ where: { message: 'Photos from the stand' } });
    expect(action(card, 'upload.start').data).toEqual({ uploadRequestId: req.id });
  });

  it('the people search also finds directory colleagues who never used the bot; asking one adds them and reaches them', async () => {
    const r = await h.post(searchActivity(ALEX, connector.url, 'colleagues', 'is'));
    const results = (r.body as { value: { results: Array<{ value: string; title: string }> } }).value.results;
    const isaiah = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: ISAIAH.aadObjectId } });
    // Isaiah once (known to the bot), Isla by her Entra id; nobody else (not the guest Isabella).
    expect(results).toEqual([
      { value: `user:${isaiah.id}`, title: 'Isaiah Langer (isaiahl@example.com)' },
      { value: ISLA_AAD, title: 'Isla Newhire (islan@example.com)' },
    ]);
    // The reviewer is in the directory, and known to the bot as a reviewer: never offered.
    const patti = await h.post(searchActivity(ALEX, connector.url, 'colleagues', 'pat'));
    expect((patti.body as { value: { results: unknown[] } }).value.results).toEqual([]);
    // Picking the guest by id anyway is refused, and adds nobody.
    const refused = await d.ask(claim.id, { assigneeId: '00000000-0000-0000-0000-00000000e002', message: 'Anything' });
    expect(textOf(refused)).toMatch(/Choose a colleague from the list/);
    expect(await h.world.db.user.count({ where: { aadObjectId: '00000000-0000-0000-0000-00000000e002' } })).toBe(0);

    const sent = await d.ask(claim.id, { assigneeId: ISLA_AAD, message: 'Receipts from the catering' });
    expect(textOf(sent)).toMatch(/I asked Isla Newhire/);
    expect(textOf(sent)).toMatch(/Request sent/);
    const isla = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: ISLA_AAD } });
    expect(isla).toMatchObject({ organisationId: h.world.orgId, displayName: 'Isla Newhire', email: 'islan@example.com' });
    await d.cardArrives(`19:${ISLA_AAD}_${CATALOG_ID}@unq.gbl.spaces`, /Receipts from the catering/);
  });

  it('when Graph fails outright, the request is still saved and Alex is told it has not reached Adele yet (never "nothing changed")', async () => {
    graph.setFault(`/users/${ADELE_AAD}/teamwork/installedApps`, { status: 500, times: 1000, method: 'POST' });
    const sent = await d.ask(claim.id, { assigneeId: ADELE_AAD, message: 'The booth rental contract' });
    expect(textOf(sent)).toMatch(/Request saved/);
    expect(textOf(sent)).toMatch(/couldn't reach Adele Vance yet/);
    expect(textOf(sent)).not.toMatch(/Nothing was changed/);
    expect(await h.world.db.uploadRequest.count({ where: { message: 'The booth rental contract', status: 'OPEN' } })).toBe(1);
  });

  it('when installing is forbidden (403), Alex is told plainly that the colleague cannot be reached yet', async () => {
    // Every attempt (the ask's and the outbox worker's) is refused.
    graph.setFault(`/users/${MEGAN_AAD}/teamwork/installedApps`, { status: 403, times: 10, method: 'POST' });
    const sent = await d.ask(claim.id, { assigneeId: MEGAN_AAD, message: 'The signed agenda' });
    expect(textOf(sent)).toMatch(/Request saved/);
    expect(textOf(sent)).toMatch(/couldn't reach Megan Bowen yet/);
    expect(graph.installedApps(MEGAN_AAD)).toEqual([]);
    const req = await h.world.db.uploadRequest.findFirstOrThrow({ where: { message: 'The signed agenda' } });
    expect(req.status).toBe('OPEN'); // kept: it is sent again once Megan talks to the bot
    const megan = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: MEGAN_AAD } });
    const dedupeKey = `upload_requested:${req.id}:${megan.id}`;
    await until(async () => (await h.world.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).status === 'DEAD');
    expect((await h.world.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).lastError).toMatch(/unreachable: no_permission/);
    expect(connector.sent().filter((m) => JSON.stringify(m.activity).includes('The signed agenda'))).toEqual([]);
  });
});

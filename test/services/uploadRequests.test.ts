import {
  cancelUploadRequest,
  declineUploadRequest,
  getUploadRequest,
  listOpenUploadRequestsFor,
  requestUpload,
  searchColleagues,
} from '../../services/uploadRequests';
import { insertClaim, makeWorld, type World } from '../helpers/world';

let w: World;
let outsiderId: string;
beforeAll(async () => {
  w = await makeWorld();
  const org = await w.db.organisation.create({ data: { tenantId: 'fabrikam-tenant', name: 'Fabrikam' } });
  const u = await w.db.user.create({
    data: {
      organisationId: org.id,
      tenantId: 'fabrikam-tenant',
      aadObjectId: 'fab-1',
      displayName: 'Megan From Fabrikam',
      email: 'megan@fabrikam.example',
      roles: { create: [{ role: 'GLOBAL_ADMIN' }] },
    },
  });
  outsiderId = u.id;
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
const owner = () => as(w.users.incentivesUser);
const colleague = () => as(w.users.colleague);
const history = (claimId: string) => w.db.historyEvent.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
const outbox = (claimId: string) => w.db.outboxMessage.findMany({ where: { claimId }, orderBy: { createdAt: 'asc' } });

const ask = (claimId: string, extra: Record<string, unknown> = {}) => ({
  claimId,
  assigneeId: w.users.colleague,
  kind: 'PROOF',
  message: 'Could you upload the event photos?',
  dueDate: '2026-12-04',
  ...extra,
});

describe('requestUpload', () => {
  it('asks a colleague for a document without changing the claim version, and tells the colleague', async () => {
    const c = await insertClaim(w);
    const r = await requestUpload(w.svc, owner(), ask(c.id));
    expect(r).toMatchObject({ claimId: c.id, version: c.version, status: 'EDITING', requestStatus: 'OPEN' });
    expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(c.version);

    const req = await w.db.uploadRequest.findUniqueOrThrow({ where: { id: r.uploadRequestId } });
    expect(req).toMatchObject({
      requesterId: w.users.incentivesUser,
      assigneeId: w.users.colleague,
      kind: 'PROOF',
      status: 'OPEN',
      message: 'Could you upload the event photos?',
    });
    expect(req.dueAt.toISOString()).toBe('2026-12-04T23:59:59.999Z');

    const [h] = await history(c.id);
    expect(h).toMatchObject({ type: 'upload_requested', actorId: w.users.incentivesUser, actorKind: 'USER' });
    expect(h!.data).toMatchObject({ uploadRequestId: req.id, assigneeName: 'Isaiah Langer', kind: 'PROOF' });

    const out = await outbox(c.id);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ recipientId: w.users.colleague, kind: 'upload_requested' });
    expect(out[0]!.payload).toEqual({
      kind: 'upload_requested',
      claimId: c.id,
      number: c.number,
      name: 'Test seminar',
      uploadRequestId: req.id,
      documentKind: 'PROOF',
      message: 'Could you upload the event photos?',
      dueAt: '2026-12-04',
      byName: 'Alex Wilber',
    });
  });

  it('accepts today as the due date and refuses a past one', async () => {
    const c = await insertClaim(w, { status: 'ACTION_REQUIRED' });
    await expect(requestUpload(w.svc, owner(), ask(c.id, { dueDate: '2026-11-28' }))).resolves.toMatchObject({ requestStatus: 'OPEN' });
    const err = await requestUpload(w.svc, owner(), ask(c.id, { dueDate: '2026-11-27' })).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid', details: { issues: [expect.objectContaining({ path: 'dueDate' })] } });
    expect(await w.db.uploadRequest.count({ where: { claimId: c.id } })).toBe(1);
  });

  it('applies the same idempotency key once', async () => {
    const c = await insertClaim(w);
    const input = ask(c.id, { idempotencyKey: `ask-${c.id}` });
    const first = await requestUpload(w.svc, owner(), input);
    const again = await requestUpload(w.svc, owner(), input);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await w.db.uploadRequest.count({ where: { claimId: c.id } })).toBe(1);
    expect(await outbox(c.id)).toHaveLength(1);
  });

  it('refuses bad input, the wrong asker, a locked claim and the wrong assignee, writing nothing', async () => {
    const c = await insertClaim(w);
    const expectCode = async (p: Promise<unknown>, kind: string, code: string, path?: string) => {
      const e = (await p.catch((x: unknown) => x)) as { details: { issues: Array<{ path: string }> } };
      expect(e).toMatchObject({ kind, code });
      if (path) expect(e.details.issues.map((i) => i.path)).toContain(path);
    };
    await expectCode(requestUpload(w.svc, owner(), ask(c.id, { message: '' })), 'invalid', 'input', 'message');
    await expectCode(requestUpload(w.svc, owner(), ask(c.id, { kind: 'CSR' })), 'invalid', 'input', 'kind');
    await expectCode(requestUpload(w.svc, owner(), ask(c.id, { assigneeId: w.users.incentivesUser })), 'invalid', 'input', 'assigneeId');
    await expectCode(requestUpload(w.svc, owner(), ask(c.id, { assigneeId: outsiderId })), 'invalid', 'input', 'assigneeId');
    // A colleague without an incentives role, and a reviewer, cannot ask.
    await expectCode(requestUpload(w.svc, colleague(), ask(c.id, { assigneeId: w.users.incentivesAdmin })), 'forbidden', 'role_required');
    await expectCode(requestUpload(w.svc, as(w.users.reviewer), ask(c.id)), 'forbidden', 'role_required');
    await expectCode(requestUpload(w.svc, as(outsiderId), ask(c.id)), 'forbidden', 'not_in_organisation');
    const submitted = await insertClaim(w, { status: 'SUBMITTED' });
    await expectCode(requestUpload(w.svc, owner(), ask(submitted.id)), 'conflict', 'not_editable');
    for (const id of [c.id, submitted.id]) {
      expect(await w.db.uploadRequest.count({ where: { claimId: id } })).toBe(0);
      expect(await history(id)).toHaveLength(0);
      expect(await outbox(id)).toHaveLength(0);
    }
  });
});

describe('declineUploadRequest', () => {
  it('lets the colleague decline with a reason; the requester is told why', async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id));
    const r = await declineUploadRequest(w.svc, colleague(), { uploadRequestId, reason: 'I was not at that event' });
    expect(r).toMatchObject({ uploadRequestId, requestStatus: 'DECLINED', claimId: c.id, version: c.version });
    expect(await w.db.uploadRequest.findUniqueOrThrow({ where: { id: uploadRequestId } })).toMatchObject({
      status: 'DECLINED',
      declineReason: 'I was not at that event',
      closedAt: w.clock.now(),
    });
    expect((await history(c.id)).map((h) => h.type)).toEqual(['upload_requested', 'upload_declined']);
    const declined = (await outbox(c.id)).filter((o) => o.kind === 'upload_declined');
    expect(declined).toHaveLength(1);
    expect(declined[0]).toMatchObject({
      recipientId: w.users.incentivesUser,
      payload: expect.objectContaining({ reason: 'I was not at that event', byName: 'Isaiah Langer', documentKind: 'PROOF' }),
    });
  });

  it('only the person asked can decline, only once, and only with a reason', async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id));
    await expect(declineUploadRequest(w.svc, owner(), { uploadRequestId, reason: 'nope' })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'upload_request_scope',
    });
    await expect(declineUploadRequest(w.svc, as(w.users.incentivesAdmin), { uploadRequestId, reason: 'nope' })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'upload_request_scope',
    });
    await expect(declineUploadRequest(w.svc, colleague(), { uploadRequestId, reason: '  ' })).rejects.toMatchObject({ kind: 'invalid' });
    expect((await w.db.uploadRequest.findUniqueOrThrow({ where: { id: uploadRequestId } })).status).toBe('OPEN');
    await declineUploadRequest(w.svc, colleague(), { uploadRequestId, reason: 'Not mine' });
    await expect(declineUploadRequest(w.svc, colleague(), { uploadRequestId, reason: 'Really not mine' })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'upload_request_closed',
    });
    expect((await history(c.id)).filter((h) => h.type === 'upload_declined')).toHaveLength(1);
  });

  it('an unknown request is not found', async () => {
    await expect(
      declineUploadRequest(w.svc, colleague(), { uploadRequestId: '5f0c7a8e-6d2f-4c1e-9b0a-1d2e3f405060', reason: 'x' }),
    ).rejects.toMatchObject({ kind: 'not_found', code: 'upload_request' });
  });
});

describe('cancelUploadRequest', () => {
  it('lets the requester withdraw an open request; the colleague is told', async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id));
    const r = await cancelUploadRequest(w.svc, owner(), { uploadRequestId });
    expect(r.requestStatus).toBe('CANCELLED');
    expect((await history(c.id)).map((h) => h.type)).toEqual(['upload_requested', 'upload_cancelled']);
    expect((await outbox(c.id)).filter((o) => o.kind === 'upload_cancelled').map((o) => o.recipientId)).toEqual([w.users.colleague]);
    await expect(cancelUploadRequest(w.svc, owner(), { uploadRequestId })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'upload_request_closed',
    });
  });

  it("a partner admin may cancel someone else's request; the colleague asked may not", async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id));
    await expect(cancelUploadRequest(w.svc, colleague(), { uploadRequestId })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'upload_request_scope',
    });
    await expect(cancelUploadRequest(w.svc, as(outsiderId), { uploadRequestId })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(cancelUploadRequest(w.svc, as(w.users.incentivesAdmin), { uploadRequestId })).resolves.toMatchObject({
      requestStatus: 'CANCELLED',
    });
  });

  it('a declined request cannot be cancelled', async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id));
    await declineUploadRequest(w.svc, colleague(), { uploadRequestId, reason: 'Busy' });
    await expect(cancelUploadRequest(w.svc, owner(), { uploadRequestId })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'upload_request_closed',
    });
  });
});

describe('reading upload requests', () => {
  it('shows a request to the people involved and partner staff, not to others', async () => {
    const c = await insertClaim(w);
    const { uploadRequestId } = await requestUpload(w.svc, owner(), ask(c.id, { kind: 'INVOICE', message: 'The hotel invoice please' }));
    const view = await getUploadRequest(w.svc, colleague(), uploadRequestId);
    expect(view).toMatchObject({
      id: uploadRequestId,
      claimId: c.id,
      claimNumber: c.number,
      claimName: 'Test seminar',
      requesterName: 'Alex Wilber',
      assigneeName: 'Isaiah Langer',
      kind: 'INVOICE',
      message: 'The hotel invoice please',
      dueDate: '2026-12-04',
      status: 'OPEN',
      overdue: false,
    });
    await expect(getUploadRequest(w.svc, owner(), uploadRequestId)).resolves.toMatchObject({ id: uploadRequestId });
    await expect(getUploadRequest(w.svc, as(w.users.globalAdmin), uploadRequestId)).resolves.toMatchObject({ id: uploadRequestId });
    await expect(getUploadRequest(w.svc, as(w.users.reviewer), uploadRequestId)).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'upload_request_scope',
    });
    await expect(getUploadRequest(w.svc, as(outsiderId), uploadRequestId)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(getUploadRequest(w.svc, owner(), 'not-an-id')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it("lists the actor's open requests, soonest due first", async () => {
    const c = await insertClaim(w);
    const later = await requestUpload(w.svc, owner(), ask(c.id, { dueDate: '2026-12-20' }));
    const sooner = await requestUpload(w.svc, owner(), ask(c.id, { dueDate: '2026-11-30' }));
    const closed = await requestUpload(w.svc, owner(), ask(c.id, { dueDate: '2026-11-29' }));
    await declineUploadRequest(w.svc, colleague(), { uploadRequestId: closed.uploadRequestId, reason: 'No' });
    const mine = (await listOpenUploadRequestsFor(w.svc, colleague())).filter((v) => v.claimId === c.id).map((v) => v.id);
    expect(mine).toEqual([sooner.uploadRequestId, later.uploadRequestId]);
    expect((await listOpenUploadRequestsFor(w.svc, as(w.users.incentivesAdmin))).filter((v) => v.claimId === c.id)).toHaveLength(0);
  });

  it('hides requests while their claim cannot take documents, and shows them again when it can', async () => {
    const c = await insertClaim(w);
    const r = await requestUpload(w.svc, owner(), ask(c.id));
    const listed = async () => (await listOpenUploadRequestsFor(w.svc, colleague())).some((v) => v.id === r.uploadRequestId);
    expect(await listed()).toBe(true);
    await w.db.claim.update({ where: { id: c.id }, data: { status: 'SUBMITTED' } });
    expect(await listed()).toBe(false);
    await w.db.claim.update({ where: { id: c.id }, data: { status: 'ACTION_REQUIRED' } });
    expect(await listed()).toBe(true);
  });
});

describe('searchColleagues', () => {
  it("finds people of the actor's organisation by name or email, never the actor, reviewers or other organisations", async () => {
    expect((await searchColleagues(w.svc, owner(), 'MEG')).map((u) => u.displayName)).toEqual(['Megan Bowen']);
    expect((await searchColleagues(w.svc, owner(), 'isaiahl@')).map((u) => u.id)).toEqual([w.users.colleague]);
    const everyone = await searchColleagues(w.svc, owner(), '');
    expect(everyone.map((u) => u.id)).not.toContain(w.users.incentivesUser);
    expect(everyone.map((u) => u.id)).not.toContain(outsiderId);
    // Patti Fernandez, the reviewer, sits in the same tenant but is never offered as a colleague.
    expect(everyone.map((u) => u.displayName)).toEqual(['Adele Vance', 'Isaiah Langer', 'Megan Bowen']);
    expect(await searchColleagues(w.svc, owner(), 'nobody-like-this')).toEqual([]);
  });
});

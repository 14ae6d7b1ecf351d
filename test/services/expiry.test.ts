import { expireDrafts, remindOverdueUploads, warnExpiringDrafts } from '../../services/expiry';
import { declineUploadRequest, requestUpload } from '../../services/uploadRequests';
import { insertClaim, makeWorld, TEST_NOW, type World } from '../helpers/world';
import { racingServices } from '../helpers/racing';

// The test world's open allocation (FY27-H1) may be claimed until 2027-02-14 inclusive.
const at = (iso: string) => new Date(iso);

const history = (w: World, claimId: string) => w.db.historyEvent.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
const outbox = (w: World, claimId: string) => w.db.outboxMessage.findMany({ where: { claimId } });

describe('expireDrafts', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  it('expires drafts once the claiming deadline has passed, and only drafts', async () => {
    const draft = await insertClaim(w, { status: 'EDITING' });
    const returned = await insertClaim(w, { status: 'ACTION_REQUIRED', ownerId: w.users.incentivesAdmin });
    const submitted = await insertClaim(w, { status: 'SUBMITTED' });
    const rejected = await insertClaim(w, { status: 'REJECTED' });

    w.clock.current = at('2027-02-14T23:30:00Z'); // the deadline day itself is still open
    expect(await expireDrafts(w.svc)).toBe(0);

    w.clock.current = at('2027-02-15T00:05:00Z');
    expect(await expireDrafts(w.svc)).toBe(2);
    expect(await expireDrafts(w.svc)).toBe(0);

    for (const [c, before, ownerId] of [
      [draft, 'EDITING', w.users.incentivesUser],
      [returned, 'ACTION_REQUIRED', w.users.incentivesAdmin],
    ] as const) {
      expect(await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: 'EXPIRED', version: c.version + 1 });
      const h = await history(w, c.id);
      expect(h).toHaveLength(1);
      expect(h[0]).toMatchObject({ type: 'expired', actorKind: 'SYSTEM', actorId: null, statusBefore: before, statusAfter: 'EXPIRED' });
      const out = await outbox(w, c.id);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({
        recipientId: ownerId,
        kind: 'status_changed',
        payload: expect.objectContaining({ from: before, to: 'EXPIRED' }),
      });
    }
    for (const [c, status] of [
      [submitted, 'SUBMITTED'],
      [rejected, 'REJECTED'],
    ] as const) {
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe(status);
      expect(await history(w, c.id)).toHaveLength(0);
    }
  });

  it('expires a claim exactly once when two replicas run at the same time', async () => {
    const c = await insertClaim(w, { status: 'EDITING' });
    const svc = racingServices(w);
    const counts = await Promise.all([expireDrafts(svc), expireDrafts(svc)]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect(await history(w, c.id)).toHaveLength(1);
    expect(await outbox(w, c.id)).toHaveLength(1);
  });
});

describe('warnExpiringDrafts', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  it("warns each draft's owner once, seven days before the deadline", async () => {
    const draft = await insertClaim(w, { status: 'EDITING' });
    const returned = await insertClaim(w, { status: 'ACTION_REQUIRED' });
    const submitted = await insertClaim(w, { status: 'SUBMITTED' });

    w.clock.current = at('2027-02-06T12:00:00Z');
    expect(await warnExpiringDrafts(w.svc)).toBe(0);

    w.clock.current = at('2027-02-07T08:00:00Z');
    expect(await warnExpiringDrafts(w.svc)).toBe(2);
    expect(await warnExpiringDrafts(w.svc)).toBe(0);
    w.clock.current = at('2027-02-10T08:00:00Z');
    expect(await warnExpiringDrafts(w.svc)).toBe(0);

    for (const c of [draft, returned]) {
      const row = await w.db.claim.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.expiryWarnedAt).toEqual(at('2027-02-07T08:00:00Z'));
      expect(row.version).toBe(c.version); // editors' open cards stay valid
      expect((await history(w, c.id)).map((h) => [h.type, h.actorKind])).toEqual([['expiry_warning_sent', 'SYSTEM']]);
      const out = await outbox(w, c.id);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({
        recipientId: w.users.incentivesUser,
        kind: 'expiry_warning',
        payload: expect.objectContaining({ deadline: '2027-02-14', number: expect.any(String) }),
      });
    }
    expect(await history(w, submitted.id)).toHaveLength(0);
  });

  it('honours a longer warning window, and warns once when two replicas race', async () => {
    w.clock.current = at('2027-01-20T08:00:00Z');
    const c = await insertClaim(w, { status: 'EDITING' });
    expect(await warnExpiringDrafts(w.svc)).toBe(0);
    const svc = racingServices(w);
    const counts = await Promise.all([warnExpiringDrafts(svc, 30), warnExpiringDrafts(svc, 30)]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect(await history(w, c.id)).toHaveLength(1);
    expect(await outbox(w, c.id)).toHaveLength(1);
  });

  it('does not warn about a deadline that already passed (that claim is expiring instead)', async () => {
    const c = await insertClaim(w, { status: 'EDITING' });
    w.clock.current = at('2027-02-20T08:00:00Z');
    expect(await warnExpiringDrafts(w.svc)).toBe(0);
    expect(await history(w, c.id)).toHaveLength(0);
  });
});

describe('remindOverdueUploads', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  const owner = () => ({ userId: w.users.incentivesUser });
  const askToday = (claimId: string) =>
    requestUpload(w.svc, owner(), {
      claimId,
      assigneeId: w.users.colleague,
      kind: 'METRIC',
      message: 'Attendee count please',
      dueDate: '2026-11-28',
    });
  const reminders = async () => await w.db.outboxMessage.findMany({ where: { kind: 'upload_reminder' } });

  it('reminds the colleague after the due day, then again only once the interval has passed', async () => {
    w.clock.current = new Date(TEST_NOW);
    const c = await insertClaim(w);
    const { uploadRequestId } = await askToday(c.id);
    const declinedClaim = await insertClaim(w);
    const declined = await askToday(declinedClaim.id);
    await declineUploadRequest(w.svc, { userId: w.users.colleague }, { uploadRequestId: declined.uploadRequestId, reason: 'Not me' });
    const lockedClaim = await insertClaim(w);
    await askToday(lockedClaim.id);
    await w.db.claim.update({ where: { id: lockedClaim.id }, data: { status: 'SUBMITTED' } });

    expect(await remindOverdueUploads(w.svc)).toBe(0); // due at the end of today

    w.clock.current = at('2026-11-29T10:00:00Z');
    expect(await remindOverdueUploads(w.svc)).toBe(1);
    expect(await remindOverdueUploads(w.svc)).toBe(0);
    let sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      recipientId: w.users.colleague,
      claimId: c.id,
      payload: expect.objectContaining({ uploadRequestId, documentKind: 'METRIC', dueAt: '2026-11-28', number: c.number }),
    });
    expect((await w.db.uploadRequest.findUniqueOrThrow({ where: { id: uploadRequestId } })).lastRemindedAt).toEqual(
      at('2026-11-29T10:00:00Z'),
    );

    w.clock.current = at('2026-11-30T09:00:00Z'); // 23 h later
    expect(await remindOverdueUploads(w.svc)).toBe(0);
    w.clock.current = at('2026-11-30T10:30:00Z'); // 24.5 h later
    expect(await remindOverdueUploads(w.svc)).toBe(1);
    sent = await reminders();
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => s.recipientId === w.users.colleague && s.claimId === c.id)).toBe(true);
  });

  it('reminds exactly once when two replicas race', async () => {
    await w.db.uploadRequest.updateMany({ where: { status: 'OPEN' }, data: { status: 'CANCELLED' } });
    w.clock.current = new Date(TEST_NOW);
    const c = await insertClaim(w);
    await askToday(c.id);
    w.clock.current = at('2026-12-01T10:00:00Z');
    const before = (await reminders()).length;
    const svc = racingServices(w);
    const counts = await Promise.all([remindOverdueUploads(svc), remindOverdueUploads(svc)]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect((await reminders()).length).toBe(before + 1);
  });
});

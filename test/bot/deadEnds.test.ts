import { ALEX, ISAIAH, PATTI, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/** No dead ends, no vague words: every refusal leads back to the claim and says exactly what is wrong. */
describe('bot: ways back and plain words', () => {
  let h: BotHarness;
  let connector: ConnectorStub;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
    await h.post(messageActivity(ISAIAH, connector.url, 'help'));
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

  it('an action on an old card that cannot be done any more answers with the reason and "Open claim"', async () => {
    const c = await insertClaim(h.world, { complete: true });
    // The proof form was opened while the claim was a draft; the claim was submitted meanwhile.
    await h.world.db.claim.update({ where: { id: c.id }, data: { status: 'SUBMITTED' } });
    const refused = await click(ALEX, 'doc.add', {
      claimId: c.id,
      version: c.version,
      kind: 'PROOF',
      details: 'Photos of the booth',
      idempotencyKey: 'old-card-proof-1',
    });
    expect(textOf(refused)).toContain('The claim is Submitted and cannot be changed now.');
    const open = action(refused, 'claim.open');
    expect(open).toMatchObject({ title: 'Open claim', data: { claimId: c.id } });
    const card = await click(ALEX, open.verb, open.data);
    expect(textOf(card)).toContain(c.number);
    expect(textOf(card)).toMatch(/Submitted/);

    // A card whose data no longer parses also leads back to the claim it was about.
    const outdated = await click(ALEX, 'claim.submit', { claimId: c.id, version: 'seven' });
    expect(textOf(outdated)).toMatch(/out of date/);
    expect(action(outdated, 'claim.open').data).toEqual({ claimId: c.id });
  });

  it('an approval above the claimed amount says the limit', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true, amountMinor: 100_000 });
    const card = await click(PATTI, 'claim.open', { claimId: c.id });
    const form = await click(PATTI, 'review.approve.form', action(card, 'review.approve.form').data);
    const again = await click(PATTI, 'review.approve', { ...action(form, 'review.approve').data, amount: '1200' });
    expect(textOf(again)).toContain('You can approve at most the amount claimed, $1,000.00.');
    expect(textOf(again)).not.toContain('Please check this value.');
  });

  it('history names the document feedback was about and whom a colleague request went to; review buttons name their document', async () => {
    const c = await insertClaim(h.world, { complete: true });
    await click(ALEX, 'upload.ask', {
      claimId: c.id,
      assigneeId: `user:${h.world.users.colleague}`,
      kind: 'INVOICE',
      message: 'The booth invoice, please',
      dueDate: '2026-12-15',
      idempotencyKey: 'ask-history-1',
    });
    await h.world.db.claim.update({ where: { id: c.id }, data: { status: 'IN_REVIEW' } });
    const card = await click(PATTI, 'claim.open', { claimId: c.id });

    // Every Accept and Needs fix button carries a tooltip naming its document, as Replace and Remove do.
    const proof = await h.world.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });
    const tooltips = reviewTooltips(card);
    expect(tooltips).toContain(`Accept ${proof.details}`);
    expect(tooltips).toContain(`Mark ${proof.details} as needing a fix`);
    expect(tooltips.filter((x) => x.startsWith('Accept '))).toHaveLength(
      await h.world.db.document.count({ where: { claimId: c.id, removedAt: null } }),
    );

    const needsFix = action(card, 'review.doc', (d) => d.documentId === proof.id && d.decision === 'NEEDS_FIX');
    await click(PATTI, 'review.doc', { ...needsFix.data, [`feedback_${proof.id}`]: 'The photos do not show the Microsoft logo' });
    const history = await click(ALEX, 'claim.history', { claimId: c.id });
    const text = textOf(history);
    expect(text).toContain('On: Proof of execution: proof.pdf');
    expect(text).toContain('The photos do not show the Microsoft logo');
    expect(text).toContain('Asked Isaiah Langer for the invoice, due Dec 15, 2026');
    expect(actions(history).some((a) => a.verb === 'claim.open')).toBe(true);
  });
});

/** Tooltips of the per-document review buttons (Accept is an Action.Execute, Needs fix an Action.ShowCard). */
function reviewTooltips(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const n = v as Record<string, unknown>;
      if ((n.title === 'Accept' || n.title === 'Needs fix') && typeof n.tooltip === 'string') out.push(n.tooltip);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

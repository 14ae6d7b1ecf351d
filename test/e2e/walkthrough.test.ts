/**
 * Issue #11's walk-through, as Alex sees it in the Agents Playground: a rejected trade-show claim
 * with 25 photos. The card says who rejected it and why; every photo is reachable, page by page;
 * the dispute form repeats the reason it answers. The claim and its decision are set up in the
 * database (as the review story left them) so the test stays short.
 */
import { cardText as text, startStack, type Stack } from './harness';

jest.setTimeout(120_000);

const REASON = 'The photos do not show the Microsoft logo on the booth.';
let stack: Stack;
let number = '';

beforeAll(async () => {
  stack = await startStack();
  const [ids] = await stack.sql<{
    alex: string;
    patti: string;
    org: string;
    loc: string;
    prog: string;
    alloc: string;
    cur: string;
    start: Date;
    at: string;
  }>(
    `SELECT (SELECT id FROM "User" WHERE "aadObjectId" = '00000000-0000-0000-0000-0000000000020') AS alex,
            (SELECT id FROM "User" WHERE "aadObjectId" = '00000000-0000-0000-0000-0000000000024') AS patti,
            l."organisationId" AS org, a."locationId" AS loc, a."programId" AS prog, a.id AS alloc, a.currency AS cur,
            a."usageStart" AS start,
            (SELECT id FROM "ActivityType" WHERE code = 'TRADESHOW' AND "retiredAt" IS NULL ORDER BY revision DESC LIMIT 1) AS at
     FROM "FundAllocation" a JOIN "Location" l ON l.id = a."locationId" JOIN "Program" p ON p.id = a."programId"
     WHERE l."partnerId" = '4871234' AND p.code = 'CSP_INDIRECT_RESELLER' AND a."claimingDeadline" >= now()
     ORDER BY a."usageStart" LIMIT 1`,
  );
  number = 'CLM-2026-09001';
  const [claim] = await stack.sql<{ id: string }>(
    `INSERT INTO "Claim" (id, number, "organisationId", "locationId", "programId", "fundAllocationId", "activityTypeId", "ownerId",
       name, description, "amountMinor", currency, "activityStart", "activityEnd", status, version, "submittedAt", "decidedAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, 'Ignite booth', 'Our stand at the Ignite partner pavilion', 240000, $8,
       $9::date, $9::date + 2, 'REJECTED', 5, now() - interval '2 days', now() - interval '1 day', now())
     RETURNING id`,
    [number, ids!.org, ids!.loc, ids!.prog, ids!.alloc, ids!.at, ids!.alex, ids!.cur, ids!.start],
  );
  await stack.sql(
    `INSERT INTO "Document" (id, "claimId", kind, details, "uploaderId", "fileName", "createdAt")
     SELECT gen_random_uuid(), $1, 'PROOF', 'Booth photo ' || n || ': logo wall and visitors', $2, 'booth-' || lpad(n::text, 2, '0') || '.jpg',
            now() - interval '3 days' + n * interval '1 minute'
     FROM generate_series(1, 25) AS n`,
    [claim!.id, ids!.alex],
  );
  await stack.sql(
    `INSERT INTO "HistoryEvent" ("claimId", "actorId", "actorKind", type, summary, data, "statusBefore", "statusAfter", "createdAt")
     VALUES ($1, $2, 'REVIEWER', 'rejected', 'Rejected', $3::jsonb, 'IN_REVIEW', 'REJECTED', now() - interval '1 day')`,
    [claim!.id, ids!.patti, JSON.stringify({ reason: REASON })],
  );
});

afterAll(async () => {
  await stack?.stop();
});

test('Alex reads why his claim was rejected, reaches all 25 photos, and disputes with the reason in view', async () => {
  const { page } = stack;
  await page.sendText(`claim ${number}`);
  const card = await page.waitForCard('Rejected by Patti Fernandez');
  const cardTextNow = await text(card);
  expect(cardTextNow).toContain(`Reason: ${REASON}`);
  expect(cardTextNow).toMatch(/The latest \d of 25/);
  await page.screenshot('walkthrough-1-rejected-with-reason', card, { top: true });

  await page.clickAction('Show all 25', card);
  const first = await page.waitForCard('1–10 of 25');
  expect(await text(first)).toContain('booth-01.jpg');
  await page.clickAction('Next page', first);
  const second = await page.waitForCard('11–20 of 25');
  const secondText = await text(second);
  expect(secondText).toContain('booth-11.jpg');
  expect(secondText).not.toContain('booth-01.jpg');
  await page.screenshot('walkthrough-2-documents-page-2', second);

  await page.clickAction('Back to claim', second);
  const back = await page.waitForCard(/Rejected by Patti Fernandez[\s\S]*Dispute/);
  await page.clickAction('Dispute', back);
  const form = await page.waitForCard('Dispute the rejection');
  expect(await text(form)).toContain(`Reason: ${REASON}`);
  await page.fillInput('Why the rejection is wrong', 'The logo is on the back wall in photos 3, 7 and 12.', form);
  await page.screenshot('walkthrough-3-dispute-form', form);
  await page.clickAction('Send dispute', form);
  const disputed = await page.waitForCard('Rejection disputed by Alex Wilber');
  expect(await text(disputed)).toContain('Argument: The logo is on the back wall in photos 3, 7 and 12.');
  expect(await text(disputed)).toContain(`Reason: ${REASON}`);
  await page.screenshot('walkthrough-4-disputed', disputed, { top: true });
});

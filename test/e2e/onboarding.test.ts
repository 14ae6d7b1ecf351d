/**
 * A real organisation from installation to its first decision, in the Agents Playground on a
 * database WITHOUT the demo seed (only the reference data: programs and activity types):
 * Dana, named in BOOTSTRAP_ADMINS, names Fabrikam, adds a location, imports funds (one bad row,
 * fixed, sent again) and makes Eli an Incentives user; Eli creates and submits a claim; Rhea, the
 * review team's admin, makes Ravi a reviewer; Ravi finds the claim in "reviews" and approves it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FABRIKAM_TENANT_ID, ONBOARDING_USERS, REVIEW_TENANT_ID } from '../../playground/config';
import { cardText as text, serveFiles, startStack, type FileServer, type PlaygroundPage, type Stack } from './harness';

jest.setTimeout(180_000);

const aad = (name: string) => ONBOARDING_USERS.find((u) => u.name === name)!.aadObjectId;
const HEADER = 'PartnerID,Program,Usage period start,Usage period end,Earned amount,Currency,Claiming deadline';
let stack: Stack;
let files: FileServer;
let filesDir: string;
let dana: PlaygroundPage;
let eli: PlaygroundPage;
let ravi: PlaygroundPage;
let number = '';

beforeAll(async () => {
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-onboarding-files-'));
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'files', 'invoice.pdf'), path.join(filesDir, 'invoice.pdf'));
  const row = (program: string, amount: string) => `8800001,${program},2026-07-01,2026-12-31,${amount},USD,2027-02-14`;
  fs.writeFileSync(
    path.join(filesDir, 'fabrikam-funds.csv'),
    [HEADER, row('CSP_INDIRECT_RESELLER', '25000.00'), row('HOSTING', '6000.255')].join('\n'),
  );
  fs.writeFileSync(
    path.join(filesDir, 'fabrikam-funds-fixed.csv'),
    [HEADER, row('CSP_INDIRECT_RESELLER', '25000.00'), row('HOSTING', '6000.25')].join('\n'),
  );
  files = await serveFiles(filesDir);
  stack = await startStack({
    user: 'Dana Fischer',
    botEnv: {
      DEMO_SEED: 'false',
      DOWNLOAD_ALLOW_LOOPBACK: 'true',
      REVIEW_TENANT_ID,
      BOOTSTRAP_ADMINS: `${FABRIKAM_TENANT_ID}:${aad('Dana Fischer')},${REVIEW_TENANT_ID}:${aad('Rhea Okafor')}`,
    },
  });
  dana = stack.page;
  // Eli and Ravi open the app once (so their admins can find them), and are told whom to ask.
  eli = await stack.openAs('Eli Novak');
  ravi = await stack.openAs('Ravi Shah');
});

afterAll(async () => {
  await stack?.stop();
  await files?.close();
  if (filesDir) fs.rmSync(filesDir, { recursive: true, force: true });
});

test('Dana, the first admin, names Fabrikam, adds a location and imports funds (a bad row, fixed, sent again)', async () => {
  await dana.sendText('admin');
  let org = await dana.waitForCard('Organisation settings');
  expect(await text(org)).toContain('No locations yet');
  await dana.clickAction('Rename', org);
  const rename = await dana.waitForCard('Name your organisation');
  await dana.fillInput('Organisation name', 'Fabrikam Partners', rename);
  await dana.clickAction('Save', rename);
  org = await dana.waitForCard('Fabrikam Partners');

  await dana.clickAction('Add location', org);
  const loc = await dana.waitForCard('Add a location');
  await dana.fillInput('PartnerID', '8800001', loc);
  await dana.fillInput('Name', 'Fabrikam Lyon', loc);
  await dana.fillInput('Country', 'FR', loc);
  await dana.screenshot('onboarding-1-location-form', loc);
  await dana.clickAction('Save', loc);
  org = await dana.waitForCard('Fabrikam Lyon · PartnerID 8800001 · France');
  expect(await text(org)).toMatch(/Dana Fischer: added location Fabrikam Lyon \(8800001\)/);

  await dana.clickAction('Import funds', org);
  const prompt = await dana.waitForCard('Send me the funds CSV');
  await dana.screenshot('onboarding-2-funds-prompt', prompt);
  await dana.sendFileAttachment({ name: 'fabrikam-funds.csv', downloadUrl: files.url('fabrikam-funds.csv') });
  const bad = await dana.waitForCard('Check the import: fabrikam-funds.csv');
  const badText = await text(bad);
  expect(badText).toContain('Row 3 · Earned amount: "6000.255" has more than two decimals');
  expect(badText).toMatch(/New · Fabrikam Lyon \(8800001\) · CSP Indirect Reseller · FY27-H1: \$25,000\.00/);
  await dana.screenshot('onboarding-3-funds-preview-refused', bad);

  // The wait stays open: the corrected file replaces the preview.
  await dana.sendFileAttachment({ name: 'fabrikam-funds-fixed.csv', downloadUrl: files.url('fabrikam-funds-fixed.csv') });
  const fixed = await dana.waitForCard('Check the import: fabrikam-funds-fixed.csv');
  expect(await text(fixed)).toMatch(/New\n2\nChanged\n0\nUnchanged\n0\nRefused\n0/);
  await dana.clickAction('Confirm import', fixed);
  const overview = await dana.waitForCard('Funds imported: 2 new, 0 changed.');
  expect(await text(overview)).toMatch(/Fabrikam Lyon \(8800001\) · Hosting · FY27-H1/);
  await dana.screenshot('onboarding-4-overview-after-import', overview);
});

test('Eli, without a role, is told to ask Dana; Dana makes him an Incentives user with the people picker', async () => {
  await eli.sendText('help');
  // (The welcome from when he opened the app may still be arriving: wait for the one naming Dana.)
  const welcome = await eli.waitForCard('Ask an admin of Fabrikam Partners: Dana Fischer.');
  expect(await text(welcome)).toContain('You have no role in Co-op Claims yet');
  await eli.screenshot('onboarding-5-no-role-welcome', welcome);

  await dana.sendText('admin');
  const org = await dana.waitForCard('People and roles');
  const orgText = await text(org);
  expect(orgText).toContain('Waiting for a role');
  expect(orgText).toMatch(/Recent changes[\s\S]*Dana Fischer: imported funds from fabrikam-funds-fixed\.csv: 2 new, 0 changed/);
  expect(orgText).toMatch(/Co-op Claims: made Dana Fischer Global admin \(named in the app configuration\)/);
  await dana.screenshot('onboarding-0-organisation', org);
  await dana.clickAction('Give someone a role', org);
  const form = await dana.waitForCard('Give someone a role');
  await dana.typeAndChoose('Person', 'Eli', /Eli Novak/, form);
  await dana.chooseChoice('Role', /^Incentives user/, form);
  await dana.screenshot('onboarding-6-role-form', form);
  await dana.clickAction('Give role', form);
  const done = await dana.waitForCard('Eli Novak is now Incentives user.');
  await dana.screenshot('onboarding-7-member-card', done);
});

test('Eli creates and submits the first claim', async () => {
  await eli.sendText('new claim');
  const form = await eli.waitForCard('New co-op claim');
  await eli.chooseChoice('Program, location and period', /Fabrikam Lyon.*CSP Indirect Reseller/, form);
  await eli.chooseChoice('Activity type', /Proof of concept/, form);
  await eli.fillInput('Claim name', 'Copilot proof of concept', form);
  await eli.fillInput('Amount claimed', '1200', form);
  await eli.fillInput('Activity start', '2026-11-02', form);
  await eli.fillInput('Activity end', '2026-11-06', form);
  await eli.fillInput('Description', 'Two-week Copilot pilot for a customer in Lyon', form);
  await eli.clickAction('Create claim', form);
  const claim = await eli.waitForCard('Claim created');
  number = /CLM-\d{4}-\d{5}/.exec(await text(claim))![0];

  await eli.clickAction('Add invoice', claim);
  const invoice = await eli.waitForCard('Add an invoice');
  await eli.fillInput('Vendor', 'Lyon Consulting SARL', invoice);
  await eli.fillInput('Invoice number', 'LC-2026-311', invoice);
  await eli.fillInput('Invoice date', '2026-11-05', invoice);
  await eli.fillInput('Invoice amount (USD)', '1200', invoice);
  await eli.clickAction('Continue and send the file', invoice);
  await eli.waitForCard('Send me the file');
  await eli.sendFileAttachment({ name: 'lyon-invoice.pdf', downloadUrl: files.url('invoice.pdf') });
  const withInvoice = await eli.waitForCard('File: lyon-invoice.pdf');

  await eli.clickAction('Add proof', withInvoice);
  const proof = await eli.waitForCard('Add proof of execution');
  await eli.fillInput('Explanatory note', 'Pilot report with the customer sign-off', proof);
  await eli.fillInput('What this proof shows', ['Other'], proof);
  await eli.clickAction('Continue and send the file', proof);
  await eli.waitForCard('Send me the file');
  await eli.sendFileAttachment({ name: 'pilot-report.pdf', downloadUrl: files.url('invoice.pdf') });
  const complete = await eli.waitForCard('File: pilot-report.pdf');
  expect(await text(complete)).toContain('Everything needed is in place. You can submit.');
  await eli.clickAction('Submit', complete);
  const submitted = await eli.waitForCard('Next: a reviewer starts checking it');
  await eli.screenshot('onboarding-8-submitted', submitted);
});

test('Rhea, the review team admin, makes Ravi a reviewer; Ravi finds the claim in "reviews" and approves it', async () => {
  const rhea = await stack.openAs('Rhea Okafor');
  await rhea.sendText('admin');
  const org = await rhea.waitForCard('Review organisation settings');
  await rhea.clickAction('Give someone a role', org);
  const form = await rhea.waitForCard('Give someone a role');
  await rhea.typeAndChoose('Person', 'Ravi', /Ravi Shah/, form);
  await rhea.chooseChoice('Role', /^Reviewer/, form);
  await rhea.clickAction('Give role', form);
  await rhea.waitForCard('Ravi Shah is now Reviewer.');

  await ravi.sendText('reviews');
  const queue = await ravi.waitForCard('Claims waiting for review');
  expect(await text(queue)).toContain(`${number} · Copilot proof of concept`);
  expect(await text(queue)).toMatch(/Fabrikam Partners · Fabrikam Lyon/);
  await ravi.screenshot('onboarding-9-review-queue', queue);
  await ravi.clickItem(number, queue);
  const review = await ravi.waitForCard(/Start review/);
  await ravi.clickAction('Start review', review);
  const inReview = await ravi.waitForCard('Next: accept or mark each document');
  await ravi.clickAction('Approve', inReview);
  const approveForm = await ravi.waitForCard('Approved amount (USD)');
  await ravi.clickAction('Approve', approveForm);
  const approved = await ravi.waitForCard(/proof of concept\s*Approved/);
  await ravi.screenshot('onboarding-10-approved', approved);
});

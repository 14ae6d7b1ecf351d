/**
 * Asking a colleague for a document, in the Agents Playground with the real bot: Alex (partner)
 * asks Isaiah (a colleague without any role) for the invoice of his claim through the people
 * picker; Isaiah gets the request in his own chat, clicks Upload and sends the file; Alex is told
 * and sees the invoice on the claim with Isaiah as its uploader. Isaiah can do nothing else.
 *
 * Alex and Isaiah each have their own playground (a browser tab each): a proactive message reaches
 * a person only while their playground runs, because each playground only knows its own user's
 * chats (see harness.ts openAs()).
 */
import path from 'node:path';
import { cardText as text, serveFiles, startStack, type FileServer, type PlaygroundPage, type Stack } from './harness';

jest.setTimeout(180_000);

const FILES = path.join(__dirname, '..', 'fixtures', 'files');
let stack: Stack;
let files: FileServer;
let alex: PlaygroundPage;
let isaiah: PlaygroundPage;
let number = '';

beforeAll(async () => {
  files = await serveFiles(FILES);
  stack = await startStack({ botEnv: { DOWNLOAD_ALLOW_LOOPBACK: 'true' } });
  alex = stack.page;
  // Isaiah's playground is open: the bot stored his chat when the playground installed the app.
  isaiah = await stack.openAs('Isaiah Langer');
});

afterAll(async () => {
  await stack?.stop();
  await files?.close();
});

test('Alex asks Isaiah for the invoice through the people picker', async () => {
  await alex.sendText('new claim');
  const form = await alex.waitForCard('New co-op claim');
  await alex.chooseChoice('Program, location and period', /Contoso Seattle.*CSP Indirect Reseller/, form);
  await alex.chooseChoice('Activity type', /Trade shows/, form);
  await alex.fillInput('Claim name', 'Ignite booth', form);
  await alex.fillInput('Amount claimed', '2400', form);
  await alex.fillInput('Activity start', '2026-11-03', form);
  await alex.fillInput('Activity end', '2026-11-05', form);
  await alex.fillInput('Description', 'Booth at the Ignite partner pavilion', form);
  await alex.clickAction('Create claim', form);
  const claim = await alex.waitForCard('Claim created');
  number = /CLM-\d{4}-\d{5}/.exec(await text(claim))![0];

  await alex.clickAction('Ask a colleague', claim);
  const ask = await alex.waitForCard('Ask a colleague for a document');
  // The playground does not send application/search for Data.Query: the names come from the
  // card's static choices, filtered as you type.
  await alex.typeAndChoose('Colleague', 'Isa', /Isaiah Langer/, ask);
  await alex.chooseChoice('Document needed', 'Invoice', ask);
  await alex.fillInput('Message', 'Please send the booth invoice from the event organiser.', ask);
  await alex.fillInput('Needed by', '2026-12-15', ask);
  await alex.screenshot('colleague-1-ask-form', ask);
  await alex.clickAction('Send request', ask);

  const sent = await alex.waitForCard('Request sent');
  const sentText = await text(sent);
  expect(sentText).toMatch(/I asked Isaiah Langer for the invoice by Dec 15, 2026/i);
  await alex.screenshot('colleague-2-request-sent', sent);
});

test('Isaiah gets the request in his chat, clicks Upload and sends the file', async () => {
  const request = await isaiah.waitForCard('Alex Wilber needs a document from you');
  const requestText = await text(request);
  expect(requestText).toContain(number);
  expect(requestText).toContain('Ignite booth');
  expect(requestText).toContain('Please send the booth invoice from the event organiser.');
  expect(requestText).toContain('Dec 15, 2026');
  await isaiah.screenshot('colleague-3-request-card', request);

  // An invoice needs its details before the file (as when Alex adds one himself).
  await isaiah.clickAction('Upload', request);
  const details = await isaiah.waitForCard('Add an invoice');
  expect(await text(details)).toContain(`For ${number} · Ignite booth`);
  await isaiah.fillInput('Vendor', 'Contoso Events Ltd', details);
  await isaiah.fillInput('Invoice number', 'CE-2026-1187', details);
  // Dated within the activity (Nov 3–5); a later date is refused on this form (docs/domain.md "Evidence decisions").
  await isaiah.fillInput('Invoice date', '2026-11-05', details);
  await isaiah.fillInput('Invoice amount (USD)', '2400', details);
  await isaiah.screenshot('colleague-4-invoice-details', details);
  await isaiah.clickAction('Continue and send the file', details);
  const prompt = await isaiah.waitForCard('Send me the file');
  expect(await text(prompt)).toContain(`${number} · Ignite booth`);
  await isaiah.screenshot('colleague-5-file-prompt', prompt);
  await isaiah.sendFileAttachment({ name: 'ignite-booth-invoice.pdf', downloadUrl: files.url('invoice.pdf') });
  // His request card, now answered.
  const done = await isaiah.waitForCard('Uploaded. Thank you!');
  const doneText = await text(done);
  expect(doneText).toContain(`${number} · Ignite booth`);
  expect(doneText).not.toMatch(/\nUpload\n|\nDecline\n/);
  await isaiah.screenshot('colleague-6-uploaded', done);
});

test('Alex is told and sees the invoice on his claim, uploaded by Isaiah', async () => {
  const told = await alex.waitForCard('Document uploaded');
  expect(await text(told)).toMatch(/Isaiah Langer uploaded the invoice you asked for on/i);
  await alex.screenshot('colleague-7-asker-notified', told);

  await alex.sendText(`claim ${number}`);
  const claim = await alex.waitForCard(/Ignite booth\s*Editing/);
  const claimText = await text(claim);
  expect(claimText).toContain('ignite-booth-invoice.pdf');
  expect(claimText).toMatch(/Isaiah Langer · /);
  expect(claimText).toContain('✓ An invoice or a CSR backs the costs');
  await alex.screenshot('colleague-8-claim-with-invoice', claim);
});

test('Isaiah can open the claim but not change it', async () => {
  await isaiah.sendText(`claim ${number}`);
  const view = await isaiah.waitForCard(number);
  const viewText = await text(view);
  expect(viewText).toContain('Ignite booth');
  for (const b of ['Submit', 'Edit', 'Add invoice', 'Add proof', 'Cancel claim', 'Ask a colleague']) {
    await expect(view.locator.getByRole('button', { name: b, exact: true }).count()).resolves.toBe(0);
  }
  await isaiah.screenshot('colleague-9-read-only', view);
});

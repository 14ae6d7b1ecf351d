/**
 * A claim from creation through a request for information to a partial approval, in the Agents
 * Playground with the real bot: Alex (partner, incentives user) builds and submits it, Patti
 * (reviewer) marks the proof "Needs fix" and requests information, Alex adds a better proof and
 * resubmits, Patti approves part of the amount, and Alex's overview shows the approved amount.
 *
 * Alex and Patti each have their own playground (a browser tab each): the playground only knows its
 * own user's chats, so proactive messages (the reviewer's notice, the partner's feedback) reach a
 * person only while their playground runs. See harness.ts openAs().
 */
import path from 'node:path';
import { cardText as text, serveFiles, startStack, type FileServer, type PlaygroundPage, type Stack } from './harness';

jest.setTimeout(180_000);

const FILES = path.join(__dirname, '..', 'fixtures', 'files');
let stack: Stack;
let files: FileServer;
let alex: PlaygroundPage;
let patti: PlaygroundPage;
let number = '';

beforeAll(async () => {
  // Teams' downloadUrl points at SharePoint; here a file server on this machine plays it.
  files = await serveFiles(FILES);
  stack = await startStack({ botEnv: { DOWNLOAD_ALLOW_LOOPBACK: 'true' } });
  alex = stack.page;
  // Patti's playground runs from the start, so the bot has her chat when the claim is submitted.
  patti = await stack.openAs('Patti Fernandez');
});

afterAll(async () => {
  await stack?.stop();
  await files?.close();
});

test('Alex builds a complete claim (CSR, metric, proof file) and submits it', async () => {
  await alex.sendText('new claim');
  const form = await alex.waitForCard('New co-op claim');
  await alex.chooseChoice('Program, location and period', /Contoso Seattle.*CSP Indirect Reseller/, form);
  await alex.chooseChoice('Activity type', /Digital advertising/, form);
  await alex.fillInput('Claim name', 'Autumn search ads', form);
  await alex.fillInput('Amount claimed', '800', form);
  await alex.fillInput('Activity start', '2026-10-01', form);
  await alex.fillInput('Activity end', '2026-10-15', form);
  await alex.fillInput('Description', 'Search ads for Microsoft 365 Business Premium', form);
  await alex.clickAction('Create claim', form);
  const claim = await alex.waitForCard('Claim created');
  number = /CLM-\d{4}-\d{5}/.exec(await text(claim))![0];

  await alex.clickAction('Create CSR', claim);
  const csrForm = await alex.waitForCard('Generate CSR');
  await alex.fillInput('Description of work', 'Campaign set-up and bid management by our marketing team', csrForm);
  await alex.fillInput('Line 1 · Expense type', 'Internal staff time', csrForm);
  await alex.fillInput('Line 1 · Quantity', 8, csrForm);
  await alex.fillInput('Line 1 · Unit cost (USD)', '100', csrForm);
  await alex.fillInput('Line 1 · Line total (USD)', '800', csrForm);
  await alex.fillInput('Certified by (name and title)', 'Alex Wilber, Marketing lead', csrForm);
  await alex.setToggle('I certify that this statement is true', true, csrForm);
  await alex.clickAction('Generate CSR', csrForm);
  const withCsr = await alex.waitForCard('Internal staff time');

  await alex.clickAction('Add metric', withCsr);
  const metricForm = await alex.waitForCard('Add a metric');
  await alex.chooseChoice('Metric', /Click-through rate/, metricForm);
  await alex.fillInput('Value', '2.7%', metricForm);
  await alex.clickAction('Add metric', metricForm);
  const withMetric = await alex.waitForCard('Click-through rate: 2.7%');

  // A proof: the description first, then the file, sent as Teams sends a file from 1:1 chat.
  await alex.clickAction('Add proof', withMetric);
  const proofForm = await alex.waitForCard('Add proof of execution');
  expect(await text(proofForm)).toContain('The proof must show: Screenshot and landing-page URL');
  await alex.fillInput('Explanatory note', 'Screenshot of the live ad', proofForm);
  // Digital advertising needs a screenshot and the landing-page URL: this proof is both.
  await alex.fillInput('What this proof shows', ['Screenshot', 'Landing-page URL'], proofForm);
  await alex.fillInput('Link (optional)', 'https://contoso.example/m365-offer', proofForm);
  await alex.screenshot('review-01-proof-form', proofForm);
  await alex.clickAction('Continue and send the file', proofForm);
  const prompt = await alex.waitForCard('Send me the file');
  expect(await text(prompt)).toContain(`for ${number} · Autumn search ads`);
  await alex.screenshot('review-02-file-prompt', prompt);
  await alex.sendFileAttachment({ name: 'live-ad-screenshot.pdf', downloadUrl: files.url('invoice.pdf') });
  const complete = await alex.waitForCard('File: live-ad-screenshot.pdf');
  expect(files.requests).toContain('invoice.pdf');
  const completeText = await text(complete);
  expect(completeText).toContain('Everything needed is in place. You can submit.');
  expect(completeText).not.toContain('✗');
  await alex.screenshot('review-03-complete', complete);

  await alex.clickAction('Submit', complete);
  const submitted = await alex.waitForCard('Next: a reviewer starts checking it');
  const submittedText = await text(submitted);
  expect(submittedText).toContain('Submitted');
  // Locked for editing: no more add buttons, no Submit.
  expect(submittedText).not.toMatch(/Add proof|Create CSR|\nSubmit\n/);
  await alex.screenshot('review-04-submitted', submitted);
});

test('Patti is told, finds the claim in her queue, starts the review and marks the proof "Needs fix"; Alex is told at once', async () => {
  // The bot posted a notice in Patti's chat when the claim was submitted.
  const notice = await patti.waitForCard(`${number} needs a reviewer`);
  expect(await text(notice)).toContain('Autumn search ads');
  await patti.screenshot('review-05-reviewer-notified', notice);

  await patti.sendText('reviews');
  const queue = await patti.waitForCard('Claims waiting for review');
  const queueText = await text(queue);
  expect(queueText).toContain(`${number} · Autumn search ads`);
  expect(queueText).toMatch(/CSP Indirect Reseller · \$800\.00/);
  expect(queueText).toContain('Unassigned');
  await patti.screenshot('review-06-queue', queue);
  // The queue's filter: the reviews nobody owns yet.
  await patti.clickAction('Filter', queue);
  await patti.chooseChoice('Owner', 'Unassigned', queue);
  await patti.screenshot('review-06b-queue-filter', queue);
  await patti.clickAction('Apply', queue);
  const filtered = await patti.waitForCard('Filtered: Unassigned');
  expect(await text(filtered)).toContain(`${number} · Autumn search ads`);
  await patti.screenshot('review-06c-queue-filtered', filtered);

  await patti.clickItem(number, filtered);
  const review = await patti.waitForCard(/Start review/);
  await patti.screenshot('review-07-review-card', review);
  await patti.clickAction('Start review', review);
  const inReview = await patti.waitForCard('Next: accept or mark each document');
  const inReviewText = await text(inReview);
  expect(inReviewText).toContain('In review');
  // Starting the review made it Patti's.
  expect(inReviewText).toMatch(/Reviewer\s*Patti Fernandez/);
  for (const b of ['Approve', 'Request information', 'Reject']) {
    await expect(inReview.locator.getByRole('button', { name: b, exact: true }).count()).resolves.toBe(1);
  }

  // "Needs fix" on the proof only: the feedback is tied to that document.
  const proofRow = patti.section(inReview, 'Screenshot of the live ad', 'Needs fix');
  await patti.clickAction('Needs fix', proofRow);
  await patti.fillInput('What needs fixing in Screenshot of the live ad?', 'The screenshot must show the landing-page URL.', proofRow);
  await patti.screenshot('review-08-needs-fix', proofRow);
  await patti.clickAction('Send feedback', proofRow);
  const withFeedback = await patti.waitForCard('The screenshot must show the landing-page URL.');
  expect(await text(patti.section(withFeedback, 'Screenshot of the live ad', 'Accept'))).toContain('Needs fix');
  await patti.screenshot('review-09-feedback-sent', withFeedback);

  // Alex's chat gets the feedback as a notice (through the outbox), while he does nothing.
  const feedbackNotice = await alex.waitForCard(`Feedback on ${number}`);
  const noticeText = await text(feedbackNotice);
  expect(noticeText).toContain('The screenshot must show the landing-page URL.');
  expect(noticeText).toContain('Patti Fernandez left feedback on "Autumn search ads"');
  await alex.screenshot('review-10-partner-feedback-notice', feedbackNotice);
});

test('Patti requests information; Alex is told, sees Action required with the feedback, adds a better proof and resubmits', async () => {
  const withFeedback = await patti.waitForCard('The screenshot must show the landing-page URL.', { quietMs: 0 });
  await patti.clickAction('Request information', withFeedback);
  const ask = await patti.waitForCard('What do you need?');

  await patti.fillInput('What do you need?', 'Please add a proof that shows the landing-page URL, then resubmit.', ask);
  await patti.screenshot('review-11-request-information', ask);
  await patti.clickAction('Send request', ask);
  const sentBack = await patti.waitForCard(/search ads\s*Action required/);
  expect(await text(sentBack)).toContain('Please add a proof that shows the landing-page URL');
  await patti.screenshot('review-12-sent-back', sentBack);

  const backWithPartner = await alex.waitForCard(`${number} is now Action required`);
  const backText = await text(backWithPartner);
  expect(backText).toContain('The reviewer needs more information. Update the claim and resubmit.');
  expect(backText).toContain('Please add a proof that shows the landing-page URL');
  await alex.screenshot('review-13-partner-action-required-notice', backWithPartner);

  await alex.sendText(`claim ${number}`);
  const mine = await alex.waitForCard(/search ads\s*Action required/);
  const mineText = await text(mine);
  expect(mineText).toContain('Reviewer feedback');
  expect(mineText).toContain('The screenshot must show the landing-page URL.');
  expect(mineText).toContain('On: Proof of execution: Screenshot of the live ad');
  expect(mineText).toContain('Please add a proof that shows the landing-page URL, then resubmit.');
  expect(mineText).toContain('Patti Fernandez');
  await alex.screenshot('review-14-action-required', mine);

  // The proof marked "needs fix" is replaced from its own row (resubmitting is refused until it is).
  expect(mineText).toContain('Documents marked "needs fix" are replaced or removed');
  await alex.clickAction('Replace', alex.section(mine, 'Screenshot of the live ad', 'Replace'));
  const proofForm = await alex.waitForCard('Replace the proof of execution');
  await alex.fillInput('Explanatory note', 'Screenshot of the live ad with the landing-page URL bar', proofForm);
  await alex.fillInput('What this proof shows', ['Screenshot', 'Landing-page URL'], proofForm);
  await alex.fillInput('Link (optional)', 'https://contoso.example/m365-offer', proofForm);
  await alex.clickAction('Continue and send the file', proofForm);
  await alex.waitForCard('Send me the file');
  await alex.sendFileAttachment({ name: 'live-ad-with-url.pdf', downloadUrl: files.url('invoice.pdf') });
  const fixed = await alex.waitForCard('File: live-ad-with-url.pdf');
  await alex.screenshot('review-15-fixed', fixed);

  await alex.clickAction('Resubmit', fixed);
  const resubmitted = await alex.waitForCard(/search ads\s*Submitted/);
  expect(await text(resubmitted)).toContain('Next: a reviewer starts checking it');
  await alex.screenshot('review-16-resubmitted', resubmitted);
});

test('Patti approves part of the amount; Alex is told and his overview shows the approved amount', async () => {
  await patti.sendText(`claim ${number}`);
  const again = await patti.waitForCard(/search ads\s*Submitted/);
  expect(await text(again)).toContain('live-ad-with-url.pdf');
  await patti.clickAction('Start review', again);
  const inReview = await patti.waitForCard('Next: accept or mark each document');

  await patti.clickAction('Approve', inReview);
  const approveForm = await patti.waitForCard('Approved amount (USD)');
  expect(await patti.inputValue('Approved amount (USD)', approveForm)).toMatch(/^800(\.00)?$/);
  await patti.fillInput('Approved amount (USD)', '600', approveForm);
  // A cut needs its reason: the partner reads it on the claim and in the notification.
  await patti.fillInput('Reason for approving less', 'Only three of the four weeks ran with Microsoft content.', approveForm);
  await patti.screenshot('review-17-approve-form', approveForm);
  await patti.clickAction('Approve', approveForm);
  const approved = await patti.waitForCard(/search ads\s*Approved/);
  expect(await text(approved)).toContain('$600.00');
  expect(await text(approved)).toContain('Why less was approved: Only three of the four weeks');
  await patti.screenshot('review-18-approved', approved);

  const told = await alex.waitForCard(`${number} is now Approved`);
  expect(await text(told)).toContain('Approved amount: $600.00');
  expect(await text(told)).toContain('Why less was approved: Only three of the four weeks');
  await alex.screenshot('review-19-partner-approved-notice', told);

  await alex.sendText('claims');
  const overview = await alex.waitForCard('Your co-op funds');
  const overviewText = await text(overview);
  // The fund is drawn as a chart (the playground draws Teams charts): its line says what is left of what was earned.
  expect(overviewText).toContain('$47,400.00 remaining of $48,000.00 earned');
  expect(overviewText).toContain(`${number} · Autumn search ads`);
  await alex.screenshot('review-20-overview', overview);

  // For the records (24 months): the claim's export, a download link for Alex only.
  await alex.sendText(`claim ${number}`);
  const decided = await alex.waitForCard(/search ads\s*Approved/);
  await alex.clickAction('Export claim', decided);
  const exported = await alex.waitForCard(`Export of ${number} is ready`);
  expect(await text(exported)).toContain('Download ZIP');
  await alex.screenshot('review-21-export', exported);
});

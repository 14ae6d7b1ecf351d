/**
 * Alex's first claim, end to end in the Agents Playground (Chromium, real bot, real PostgreSQL):
 * new claim -> fill the form -> create -> certify costs with a CSR -> add a metric -> overview.
 */
import { startStack, type Stack } from './harness';

jest.setTimeout(180_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

test('Alex creates a claim, adds a CSR and a metric, and sees it in his overview', async () => {
  const { page } = stack;

  await page.sendText('new claim');
  const form = await page.waitForCard('New co-op claim');
  await page.chooseChoice('Program, location and period', /Contoso Seattle.*CSP Indirect Reseller/, form);
  await page.chooseChoice('Activity type', /Digital advertising/, form);
  await page.fillInput('Claim name', 'Spring cloud webinar series', form);
  await page.fillInput('Amount claimed', '1250.50', form);
  await page.fillInput('Activity start', '2026-10-01', form);
  await page.fillInput('Activity end', '2026-10-15', form);
  await page.fillInput('Description', 'Webinars on Azure for small business customers', form);
  await page.screenshot('claim-1-form', form);
  await page.clickAction('Create claim', form);

  const claim = await page.waitForCard('Claim created');
  const claimText = await claim.locator.innerText();
  expect(claimText).toContain('Spring cloud webinar series');
  expect(claimText).toContain('$1,250.50');
  expect(claimText).toContain('Oct 1, 2026');
  const claimNumber = /CLM-\d{4}-\d{5}/.exec(claimText)?.[0];
  expect(claimNumber).toBeDefined();
  await page.screenshot('claim-2-created', claim);

  await page.clickAction('Create CSR', claim);
  const csrForm = await page.waitForCard('Generate CSR');
  await page.fillInput('Description of work', 'Webinar production and hosting by our marketing team', csrForm);
  await page.fillInput('Line 1 · Expense type', 'Internal staff time', csrForm);
  await page.fillInput('Line 1 · Quantity', 10, csrForm);
  await page.fillInput('Line 1 · Unit cost (USD)', '100.05', csrForm);
  await page.fillInput('Line 1 · Line total (USD)', '1000.50', csrForm);
  await page.fillInput('Line 2 · Expense type', 'Webinar platform, 4 sessions', csrForm);
  await page.fillInput('Line 2 · Quantity', 4, csrForm);
  await page.fillInput('Line 2 · Unit cost (USD)', '62.50', csrForm);
  await page.fillInput('Line 2 · Line total (USD)', '250', csrForm);
  await page.fillInput('Certified by (name and title)', 'Alex Wilber, Marketing lead', csrForm);
  await page.setToggle('I certify that this statement is true', true, csrForm);
  await page.screenshot('claim-3-csr-form', csrForm);
  await page.clickAction('Generate CSR', csrForm);

  const withCsr = await page.waitForCard('Before you can submit');
  const withCsrText = await withCsr.locator.innerText();
  expect(withCsrText).toMatch(/CSR/);
  // The generated statement is a PDF on the claim, and its lines cover the claimed amount.
  expect(withCsrText).toContain(`CSR ${claimNumber}.pdf`);
  expect(withCsrText).toContain('Invoices and CSRs cover the claimed amount ($1,250.50 of $1,250.50)');
  await page.screenshot('claim-4-with-csr', withCsr);

  await page.clickAction('Add metric', withCsr);
  const metricForm = await page.waitForCard('Add a metric');
  const metrics = await page.choiceTitles('Metric', metricForm);
  const ctr = metrics.find((m) => /click-through/i.test(m));
  expect(ctr).toBeDefined();
  await page.chooseChoice('Metric', ctr!, metricForm);
  await page.fillInput('Value', '3.2%', metricForm);
  await page.fillInput('Explanatory details', 'Across 4 webinars, from the ad platform report', metricForm);
  await page.screenshot('claim-5-metric-form', metricForm);
  await page.clickAction('Add metric', metricForm);

  const withMetric = await page.waitForCard('3.2%');
  expect(await withMetric.locator.innerText()).toMatch(/click-through/i);

  await page.sendText('claims');
  const overview = await page.waitForCard(claimNumber!);
  const overviewText = await overview.locator.innerText();
  expect(overviewText).toContain('Spring cloud webinar series');
  await page.screenshot('claim-6-overview', overview);
});

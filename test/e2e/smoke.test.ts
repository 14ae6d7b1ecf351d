/**
 * The real bot in the Microsoft 365 Agents Playground, driven in Chromium as a person would:
 * Alex (the demo incentives user) types "help" and gets the welcome card.
 */
import { t } from '../../cards/strings';
import { startStack, type Stack } from './harness';

jest.setTimeout(180_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

test('Alex types help in the playground and sees the welcome card with what he can do', async () => {
  const { page } = stack;
  await page.sendText('help');
  const card = await page.waitForCard(t('en', 'welcome.commands'));
  const text = await card.locator.innerText();
  expect(text).toContain(t('en', 'welcome.greeting', { name: 'Alex Wilber' }));
  await expect(card.locator.getByRole('button', { name: t('en', 'common.newClaim'), exact: true }).isVisible()).resolves.toBe(true);
  await page.screenshot('smoke-help', card);
});

/**
 * Korean locally, as the README says to try it: the Agents Playground always sends en-US, so the bot is started
 * with PLAYGROUND_LOCALE=ko-KR (local mode only) and answers as it would a Korean Teams client.
 */
import { t } from '../../cards/strings';
import { startStack, type Stack } from './harness';

jest.setTimeout(180_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ botEnv: { PLAYGROUND_LOCALE: 'ko-KR' } });
});

afterAll(async () => {
  await stack?.stop();
});

test('with PLAYGROUND_LOCALE=ko-KR, Alex types 도움말 and reads the welcome card in Korean', async () => {
  const { page } = stack;
  await page.sendText('도움말');
  const card = await page.waitForCard(t('ko', 'welcome.commands'));
  const text = await card.locator.innerText();
  expect(text).toContain(t('ko', 'welcome.greeting', { name: 'Alex Wilber' }));
  expect(text).not.toContain(t('en', 'welcome.commands'));
  await expect(card.locator.getByRole('button', { name: t('ko', 'common.newClaim'), exact: true }).isVisible()).resolves.toBe(true);
  await page.screenshot('korean-help', card);
});

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

test('a Korean claim card shows its dates and the catalogue in Korean', async () => {
  const { page } = stack;
  const k = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t('ko', key, params);
  await page.sendText('새 청구');
  const form = await page.waitForCard(k('create.title'));
  await page.chooseChoice(k('create.allocation.label'), /Contoso Seattle.*CSP Indirect Reseller/, form);
  await page.chooseChoice(k('create.activity.label'), /디지털 광고/, form);
  await page.fillInput(k('create.name.label'), '가을 검색 광고', form);
  await page.fillInput(k('create.amount.label'), '800', form);
  await page.fillInput(k('create.start.label'), '2026-10-01', form);
  await page.fillInput(k('create.end.label'), '2026-10-15', form);
  await page.clickAction(k('create.submit'), form);
  const card = await page.waitForCard(k('note.created'));
  const text = (await card.locator.innerText()).replace(/\s*\n\s*/g, '\n');
  // Teams' markdown once turned "2027. 2. 14." into a numbered list: the dates vanished from the card.
  expect(text).toContain(`${k('detail.facts.deadline')}\n2027년 2월 14일`);
  expect(text).toContain('2026년 10월 1일 – 2026년 10월 15일');
  expect(text).toContain('✗ 지표: 클릭률');
  await page.screenshot('korean-claim', card, { top: true });
});

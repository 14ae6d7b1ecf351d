/**
 * The playground signs people in as the demo users: its context file must name the seeded users
 * (same aadObjectIds, tenant) or the bot would treat Alex as a stranger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_TENANT_ID, DEMO_USERS } from '../../prisma/seed';
import { TENANT_ID, USERS, configYaml } from '../../playground/config';

test('every seeded demo user can be the playground user, in the seeded tenant', () => {
  expect(TENANT_ID).toBe(DEMO_TENANT_ID);
  expect(USERS.map((u) => [u.name, u.aadObjectId]).sort()).toEqual(DEMO_USERS.map((u) => [u.name, u.aad]).sort());
});

test('the committed playground context (npm run playground) is the generated one for Alex', () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'playground', '.m365agentsplayground.yml'), 'utf8');
  expect(committed).toBe(configYaml('Alex Wilber'));
  expect(committed).toContain('name: Alex Wilber\n  userPrincipleName');
});

test('a context for another user makes them current and keeps five others, as the playground requires', () => {
  const yml = configYaml('Patti Fernandez');
  expect(yml).toMatch(/currentUser:\n {2}id: user-id-4\n {2}name: Patti Fernandez/);
  expect(yml.split('\n').filter((l) => l.startsWith('  - id: user-id-')).length).toBe(5);
});

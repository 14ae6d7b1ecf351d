import type { Role } from './generated/client';
import { applyReferenceData } from '../services/catalogue/apply';
import type { Db } from '../services/db/client';
import { isoDate, previousUsagePeriod, usagePeriodContaining } from '../services/periods';

/** The Agents Playground's default tenant and users, so the playground talks as seeded demo users. */
export const DEMO_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const DEMO_USERS: Array<{ aad: string; name: string; email: string; roles: Role[]; locale?: string }> = [
  { aad: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', email: 'alexw@example.com', roles: ['INCENTIVES_USER'] },
  { aad: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen', email: 'meganb@example.com', roles: ['INCENTIVES_ADMIN'] },
  { aad: '00000000-0000-0000-0000-0000000000022', name: 'Adele Vance', email: 'adelev@example.com', roles: ['GLOBAL_ADMIN'] },
  // A colleague with no incentives role: can only upload what they are asked for.
  { aad: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer', email: 'isaiahl@example.com', roles: [] },
  // The demo reviewer sits in the same tenant so one playground can show both sides.
  { aad: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', email: 'pattif@example.com', roles: ['REVIEWER'] },
];

/** The programs the demo organisation has funds under, and what each location earned (Seoul half). */
const DEMO_EARNED: Record<string, number> = { CSP_INDIRECT_RESELLER: 4_800_000, HOSTING: 1_250_000, SURFACE: 900_000 };

/**
 * Loads the demo organisation, Contoso: two locations, funds under three programs for the open
 * usage periods, a user for each role. Programs and the activity catalogue are reference data
 * (services/catalogue), not demo data; they are applied first if this database lacks them.
 * Idempotent: does nothing when the tenant exists. Periods are computed from `now`, so the demo
 * always has an open claiming window.
 */
export async function seedDemo(db: Db, now: Date): Promise<boolean> {
  if (await db.organisation.findUnique({ where: { tenantId: DEMO_TENANT_ID } })) return false;
  await applyReferenceData(db, now);
  await db.$transaction(async (tx) => {
    const org = await tx.organisation.create({ data: { tenantId: DEMO_TENANT_ID, name: 'Contoso Partners' } });
    const seattle = await tx.location.create({
      data: { organisationId: org.id, partnerId: '4871234', name: 'Contoso Seattle', country: 'US' },
    });
    const seoul = await tx.location.create({
      data: { organisationId: org.id, partnerId: '4871299', name: 'Contoso Seoul', country: 'KR' },
    });
    const programs = await tx.program.findMany({ where: { code: { in: Object.keys(DEMO_EARNED) } }, orderBy: { code: 'asc' } });
    const current = usagePeriodContaining(now);
    const previous = previousUsagePeriod(current);
    for (const loc of [seattle, seoul]) {
      for (const p of programs) {
        for (const period of [current, previous]) {
          const factor = loc === seoul ? 0.5 : 1;
          await tx.fundAllocation.create({
            data: {
              locationId: loc.id,
              programId: p.id,
              period: period.code,
              usageStart: new Date(isoDate(period.start)),
              usageEnd: new Date(isoDate(period.end)),
              claimingDeadline: new Date(isoDate(period.claimingDeadline)),
              earnedMinor: Math.round(DEMO_EARNED[p.code]! * factor),
              currency: p.currency,
            },
          });
        }
      }
    }
    for (const u of DEMO_USERS) {
      await tx.user.create({
        data: {
          organisationId: org.id,
          tenantId: DEMO_TENANT_ID,
          aadObjectId: u.aad,
          displayName: u.name,
          email: u.email,
          locale: u.locale ?? 'en-US',
          roles: { create: u.roles.map((role) => ({ role })) },
        },
      });
    }
  });
  return true;
}

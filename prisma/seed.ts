import type { FundCategory, Role } from './generated/client';
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

type ActivitySeed = {
  code: string;
  category: FundCategory;
  name: string;
  nameKo: string;
  proofGuidance: string;
  requiredMetrics: string[];
  requiresPreApproval?: boolean;
  capMinor?: number;
  capPercentOfEarned?: number;
};

/** domain.md §3.3: the activity-type catalogue with its proof, metric and cap rules. */
export const ACTIVITY_TYPES: ActivitySeed[] = [
  {
    code: 'TV_RADIO',
    category: 'DEMAND_GENERATION',
    name: 'TV / radio',
    nameKo: 'TV/라디오',
    proofGuidance: 'Copy of, or link to, the final ad',
    requiredMetrics: ['Estimated reach'],
    requiresPreApproval: true,
  },
  {
    code: 'PRINT',
    category: 'DEMAND_GENERATION',
    name: 'Print advertising',
    nameKo: '인쇄 광고',
    proofGuidance: 'Final piece showing your brand, contact details and Microsoft content',
    requiredMetrics: ['Estimated reach'],
  },
  {
    code: 'DIGITAL_ADS',
    category: 'DEMAND_GENERATION',
    name: 'Digital advertising',
    nameKo: '디지털 광고',
    proofGuidance: 'Screenshot and landing-page URL',
    requiredMetrics: ['Click-through rate'],
  },
  {
    code: 'DIRECT_MAIL',
    category: 'DEMAND_GENERATION',
    name: 'Direct mail / email / SMS',
    nameKo: '다이렉트 메일/이메일/SMS',
    proofGuidance: 'Final piece plus proof of distribution',
    requiredMetrics: ['Estimated reach'],
  },
  {
    code: 'WEBSITE_SEO',
    category: 'DEMAND_GENERATION',
    name: 'Partner website / SEO',
    nameKo: '파트너 웹사이트/SEO',
    proofGuidance: 'URL and/or screenshots; statement of work for SEO',
    requiredMetrics: ['Results summary'],
  },
  {
    code: 'SYNDICATED',
    category: 'DEMAND_GENERATION',
    name: 'Microsoft syndicated content',
    nameKo: 'Microsoft 신디케이트 콘텐츠',
    proofGuidance: 'URL and/or screenshots',
    requiredMetrics: ['Results summary'],
    capMinor: 1_875_000,
  },
  {
    code: 'TRADESHOW',
    category: 'DEMAND_GENERATION',
    name: 'Trade shows',
    nameKo: '전시회',
    proofGuidance: 'Invitation or agenda, photo of the booth or presentation',
    requiredMetrics: ['Estimated attendees'],
  },
  {
    code: 'TELEMARKETING',
    category: 'MARKET_DEVELOPMENT',
    name: 'Telemarketing',
    nameKo: '텔레마케팅',
    proofGuidance: 'Copy of the script naming your company brand',
    requiredMetrics: ['Calls made', 'Successful contacts'],
  },
  {
    code: 'SEMINAR',
    category: 'MARKET_DEVELOPMENT',
    name: 'Customer seminars / bootcamps',
    nameKo: '고객 세미나/부트캠프',
    proofGuidance: 'Invitation, agenda, event photos',
    requiredMetrics: ['Registered guests'],
  },
  {
    code: 'CUSTOMER_OFFER',
    category: 'MARKET_DEVELOPMENT',
    name: 'Customer offers / SPIFFs',
    nameKo: '고객 프로모션/SPIFF',
    proofGuidance: 'Offer with its terms and conditions',
    requiredMetrics: ['Results summary'],
    capPercentOfEarned: 25,
  },
  {
    code: 'ONSITE_CHAMP',
    category: 'MARKET_DEVELOPMENT',
    name: 'On-site champ',
    nameKo: '온사이트 챔프',
    proofGuidance: 'Sample deliverables',
    requiredMetrics: [],
    capPercentOfEarned: 50,
  },
  {
    code: 'POC',
    category: 'MARKET_DEVELOPMENT',
    name: 'Proof of concept',
    nameKo: '개념 증명(PoC)',
    proofGuidance: 'Materials developed, or research data',
    requiredMetrics: [],
  },
  {
    code: 'EXAMS',
    category: 'PARTNER_SKILLING',
    name: 'Microsoft exams and tuition',
    nameKo: 'Microsoft 시험 및 교육비',
    proofGuidance: 'Invoice showing course or exam code and completion date',
    requiredMetrics: ['Attendees', 'Cost per person'],
  },
  {
    code: 'TRAINING',
    category: 'PARTNER_SKILLING',
    name: 'Internal training / floor days',
    nameKo: '사내 교육/플로어 데이',
    proofGuidance: 'Agenda and Microsoft presentation content',
    requiredMetrics: ['Attendees'],
  },
  {
    code: 'CONFERENCE',
    category: 'PARTNER_SKILLING',
    name: 'Microsoft-hosted conferences',
    nameKo: 'Microsoft 주최 컨퍼런스',
    proofGuidance: 'Invitation or registration showing Microsoft hosts it; travel itinerary',
    requiredMetrics: [],
    capMinor: 4_500_000,
  },
  {
    code: 'SEEDING',
    category: 'PARTNER_SKILLING',
    name: 'Product seeding / demo units',
    nameKo: '제품 시딩/데모 기기',
    proofGuidance: 'Specs or proof of delivery',
    requiredMetrics: [],
    capPercentOfEarned: 10,
  },
];

/**
 * Loads the demo organisation (two locations, three programs, funds for the open usage periods,
 * the activity catalogue, a user for each role). Idempotent: does nothing when the tenant exists.
 * Periods are computed from `now`, so the demo always has an open claiming window.
 */
export async function seedDemo(db: Db, now: Date): Promise<boolean> {
  if (await db.organisation.findUnique({ where: { tenantId: DEMO_TENANT_ID } })) return false;
  await db.$transaction(async (tx) => {
    const org = await tx.organisation.create({ data: { tenantId: DEMO_TENANT_ID, name: 'Contoso Partners' } });
    const seattle = await tx.location.create({
      data: { organisationId: org.id, partnerId: '4871234', name: 'Contoso Seattle', country: 'US' },
    });
    const seoul = await tx.location.create({
      data: { organisationId: org.id, partnerId: '4871299', name: 'Contoso Seoul', country: 'KR' },
    });
    const programs = await Promise.all([
      tx.program.create({
        data: { code: 'CSP_INDIRECT_RESELLER', name: 'CSP Indirect Reseller', thresholdMinor: 1_000_000, currency: 'USD' },
      }),
      tx.program.create({ data: { code: 'HOSTING', name: 'Hosting', thresholdMinor: 150_000, currency: 'USD' } }),
      tx.program.create({
        data: { code: 'SURFACE', name: 'Surface', thresholdMinor: 150_000, currency: 'USD', subItems: ['ADD-HUB', 'ADD-PC', 'ADR-HUB'] },
      }),
    ]);
    for (const a of ACTIVITY_TYPES) {
      await tx.activityType.create({ data: { ...a, requiresPreApproval: a.requiresPreApproval ?? false } });
    }
    const current = usagePeriodContaining(now);
    const previous = previousUsagePeriod(current);
    const earned: Record<string, number> = { CSP_INDIRECT_RESELLER: 4_800_000, HOSTING: 1_250_000, SURFACE: 900_000 };
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
              earnedMinor: Math.round(earned[p.code]! * factor),
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

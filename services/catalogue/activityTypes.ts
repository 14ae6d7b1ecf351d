import type { FundCategory } from '../../prisma/generated/client';
import { SURFACE } from './programs';
import type { ActivityRules, CapTerm } from './rules';

/**
 * The activity-type catalogue (docs/domain.md, "Activity catalogue"): what each activity's proof must
 * show, the metrics it needs, whether Microsoft pre-approves it, and its caps with their per-program
 * exceptions. Product reference data, applied at start by `applyReferenceData`: editing an entry
 * here adds the entry's next revision to every database; claims keep the revision they were created with.
 */
export type ActivityTypeEntry = {
  code: string;
  category: FundCategory;
  name: string;
  nameKo: string;
  proofGuidance: string;
  requiredMetrics: string[];
  requiresPreApproval?: boolean;
  rules?: Partial<ActivityRules>;
};

const percent = (percentOfEarned: number): CapTerm => ({ percentOfEarned });
const usd = (major: number): CapTerm => ({ amountMinor: major * 100, currency: 'USD' });

export const ACTIVITY_TYPES: readonly ActivityTypeEntry[] = [
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
    rules: { proofItems: ['SCREENSHOT', 'LANDING_PAGE_URL'] },
  },
  {
    code: 'DIRECT_MAIL',
    category: 'DEMAND_GENERATION',
    name: 'Direct mail / email / SMS',
    nameKo: '다이렉트 메일/이메일/SMS',
    proofGuidance: 'Final piece plus proof of distribution',
    requiredMetrics: ['Estimated reach'],
    rules: { proofItems: ['FINAL_PIECE', 'DISTRIBUTION_PROOF'] },
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
    rules: { caps: [{ per: 'usage_period', greaterOf: [usd(18_750)] }] },
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
    rules: { caps: [{ per: 'usage_period', greaterOf: [percent(25)], programs: { [SURFACE]: [percent(100)] } }] },
  },
  {
    code: 'ONSITE_CHAMP',
    category: 'MARKET_DEVELOPMENT',
    name: 'On-site champ',
    nameKo: '온사이트 챔프',
    proofGuidance: 'Sample deliverables',
    requiredMetrics: [],
    rules: { caps: [{ per: 'usage_period', greaterOf: [percent(50)], programs: { [SURFACE]: [percent(100)] } }] },
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
    rules: { invoiceFacts: ['courseCode', 'completionDate'] },
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
    rules: {
      caps: [
        // Travel: USD 5,000 per person and at most 3 people per conference; a claim covers one conference.
        { per: 'claim', greaterOf: [usd(15_000)] },
        { per: 'usage_period', greaterOf: [usd(45_000)] },
      ],
    },
  },
  {
    code: 'SEEDING',
    category: 'PARTNER_SKILLING',
    name: 'Product seeding / demo units',
    nameKo: '제품 시딩/데모 기기',
    proofGuidance: 'Specs or proof of delivery',
    requiredMetrics: [],
    rules: { caps: [{ per: 'usage_period', greaterOf: [percent(10), usd(3_000)], programs: { [SURFACE]: null } }] },
  },
];

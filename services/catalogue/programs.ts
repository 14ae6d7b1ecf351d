/**
 * Incentive programs co-op is earned under (docs/domain.md, "Programs"). Product reference data:
 * present in every database, applied at start by `applyReferenceData`; a program is identified by
 * its code, and a change here updates the stored program in place (fund allocations point at it).
 */
export type ProgramEntry = {
  code: string;
  name: string;
  /** The co-op threshold of the earning period, in minor units of `currency`. */
  thresholdMinor: number;
  currency: string;
  /** Claims under this program pick one of these sub-items (Surface). */
  subItems?: string[];
};

/** The program whose partners get the Surface exceptions of the activity caps. */
export const SURFACE = 'SURFACE';

export const PROGRAMS: readonly ProgramEntry[] = [
  { code: 'CSP_DIRECT_BILL', name: 'CSP Direct Bill', thresholdMinor: 1_000_000, currency: 'USD' },
  { code: 'CSP_INDIRECT_PROVIDER', name: 'CSP Indirect Provider', thresholdMinor: 1_000_000, currency: 'USD' },
  { code: 'CSP_INDIRECT_RESELLER', name: 'CSP Indirect Reseller', thresholdMinor: 1_000_000, currency: 'USD' },
  { code: 'HOSTING', name: 'Hosting', thresholdMinor: 150_000, currency: 'USD' },
  { code: SURFACE, name: 'Surface', thresholdMinor: 150_000, currency: 'USD', subItems: ['ADD-HUB', 'ADD-PC', 'ADR-HUB'] },
  { code: 'AUTHORIZED_DISTRIBUTOR', name: 'Authorized Distributor', thresholdMinor: 150_000, currency: 'USD' },
  { code: 'IOT_CHANNEL', name: 'IoT channel', thresholdMinor: 150_000, currency: 'USD' },
  { code: 'MIXED_REALITY', name: 'Mixed Reality', thresholdMinor: 150_000, currency: 'USD' },
  { code: 'OEM_RESELLER', name: 'OEM reseller', thresholdMinor: 150_000, currency: 'USD' },
];

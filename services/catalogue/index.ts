export { ACTIVITY_TYPES, type ActivityTypeEntry } from './activityTypes';
export { applyReferenceData, CATALOGUE, entryHash, type Catalogue, type ReferenceDataResult } from './apply';
export { PROGRAMS, SURFACE, type ProgramEntry } from './programs';
export * from './rules';

// Types for manifest/icons.js.
export const ACCENT: readonly [number, number, number];
export function writeIcons(dir?: string): void;

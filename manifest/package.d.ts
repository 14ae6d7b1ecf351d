// Types for manifest/package.js (plain CommonJS so `npm run package` needs no compile step).

export interface AppPackageConfig {
  /** The Teams app id (GUID). */
  teamsAppId: string;
  /** The bot's Microsoft App ID (GUID); also the SSO app id. */
  botAppId: string;
  /** Host name the bot is served from, without scheme, port or path. */
  botDomain: string;
  /** MAJOR.MINOR.PATCH: package.json's version, which manifest.json's must equal. */
  appVersion: string;
}

export interface AppPackageResult {
  ok: boolean;
  errors: string[];
  zipPath?: string;
  manifest?: TeamsManifestJson;
}

/** The parts of a Teams manifest this project reads; the schema checks the rest. */
export interface TeamsManifestJson {
  manifestVersion: string;
  id: string;
  bots?: Array<{
    botId: string;
    scopes?: string[];
    supportsFiles?: boolean;
    isNotificationOnly?: boolean;
    commandLists?: Array<{ scopes: string[]; commands: Array<{ title: string; description?: string }> }>;
  }>;
  webApplicationInfo?: { id: string; resource?: string };
  validDomains?: string[];
  localizationInfo?: { defaultLanguageTag: string; additionalLanguages?: Array<{ languageTag: string; file: string }> };
  icons: { color: string; outline: string };
  [key: string]: unknown;
}

export const PACKAGE_FILES: readonly string[];

export function readEnvFile(file: string): Record<string, string>;
export function environmentFor(name: string, env?: Record<string, string | undefined>, root?: string): Record<string, string | undefined>;
export function configFromEnv(env: Record<string, string | undefined>): { config: AppPackageConfig; notes: string[] };
export function checkConfig(config: AppPackageConfig): string[];
export function renderManifest(templateText: string, config: AppPackageConfig): TeamsManifestJson;
export function validateManifest(manifest: unknown): string[];
export function validateLocalization(fileName: string, localization: Record<string, unknown>, manifest: TeamsManifestJson): string[];
export function inspectPng(buffer: Buffer): {
  width: number;
  height: number;
  hasAlpha: boolean;
  transparentPixels: number;
  nonWhitePixels: number;
};
export function checkIcons(icons: { color: Buffer; outline: Buffer }): string[];
export function buildAppPackage(options: { config: AppPackageConfig; outDir: string; sourceDir?: string }): Promise<AppPackageResult>;

import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

const csv = (def = '') =>
  z
    .string()
    .optional()
    .transform((s) =>
      (s ?? def)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? def : ['true', '1', 'yes'].includes(v)));
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

/** Teams and SharePoint hosts that deliver files to a bot (downloadUrl); anything else is refused. */
const DEFAULT_DOWNLOAD_HOSTS = '*.sharepoint.com,*.sharepoint.us,*.teams.microsoft.com,*.asm.skype.com,*.trafficmanager.net';

const envSchema = z.object({
  PORT: int(3978),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default(path.join(projectRoot, 'data')),
  DEMO_SEED: bool(true),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
  MicrosoftAppTenantId: z.string().optional(),
  ALLOWED_TENANT_IDS: csv(),
  /** First Global admins for deployments without Graph: `tenantId:aadObjectId` or user principal names, comma-separated. */
  BOOTSTRAP_ADMINS: csv(),
  /** The review organisation's tenant: only its users can hold REVIEWER. Unset: each organisation reviews its own claims. */
  REVIEW_TENANT_ID: z.string().trim().min(1).optional(),
  /** Where the channel's token-signing keys are published (OpenID metadata). Default: the public Bot Framework; set for tests (a local key set) or other clouds. */
  BOT_OPENID_METADATA_URL: z.string().url().optional(),
  /** Microsoft Graph: app-only credentials; base URL is overridable so tests can point it at a stub. */
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com'),
  GRAPH_TENANT_ID: z.string().optional(),
  GRAPH_CLIENT_ID: z.string().optional(),
  GRAPH_CLIENT_SECRET: z.string().optional(),
  GRAPH_AUTHORITY_HOST: z.string().url().optional(),
  TEAMS_APP_CATALOG_ID: z.string().optional(),
  FILE_STORE: z.enum(['local', 'sharepoint']).default('local'),
  SHAREPOINT_DRIVE_ID: z.string().optional(),
  FILE_MAX_BYTES: int(25 * 1024 * 1024),
  DOWNLOAD_ALLOWED_HOSTS: csv(DEFAULT_DOWNLOAD_HOSTS),
  /** Tests serve files from loopback; production never allows it. */
  DOWNLOAD_ALLOW_LOOPBACK: bool(false),
  PENDING_UPLOAD_MINUTES: int(30),
  /** Where users' browsers reach this server, for document links on cards (default: this machine). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Signs document links; set it (same value on every replica) in production. */
  FILE_LINK_SECRET: z.string().min(16).optional(),
  FILE_LINK_DAYS: int(7),
  /** How long an export download link (a claim's ZIP, the organisation's claims CSV) works. */
  EXPORT_LINK_HOURS: int(24),
  /** A TrueType/OpenType font with Hangul for generated PDFs (e.g. /usr/share/fonts/truetype/nanum/NanumGothic.ttf); unset = Helvetica, Latin-1 only. */
  PDF_FONT_FILE: z.string().optional(),
  PDF_BOLD_FONT_FILE: z.string().optional(),
  REVIEWERS_CONVERSATION_ID: z.string().optional(),
  REMINDER_INTERVAL_HOURS: int(24),
  EXPIRY_WARNING_DAYS: int(7),
  SCHEDULER_INTERVAL_SECONDS: int(60),
  OUTBOX_POLL_MS: int(500),
  OUTBOX_MAX_ATTEMPTS: int(8),
  OUTBOX_TENANT_RATE_PER_SECOND: int(30),
  PLAYGROUND_USER_AAD_ID: z.string().default('00000000-0000-0000-0000-0000000001'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A BOOTSTRAP_ADMINS entry: a directory object in a tenant, or a user principal name (any tenant). */
export type BootstrapAdmin = { tenantId: string; aadObjectId: string } | { userPrincipalName: string };

function parseBootstrapAdmin(entry: string): BootstrapAdmin {
  if (entry.includes('@')) return { userPrincipalName: entry.toLowerCase() };
  const [tenantId, aadObjectId, ...rest] = entry.split(':').map((x) => x.trim());
  if (!tenantId || !aadObjectId || rest.length > 0) {
    throw new Error(`Invalid configuration:\n  BOOTSTRAP_ADMINS: "${entry}" is neither tenantId:aadObjectId nor a user principal name`);
  }
  return { tenantId: tenantId.toLowerCase(), aadObjectId: aadObjectId.toLowerCase() };
}

export type Config = {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  demoSeed: boolean;
  bot: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    allowedTenantIds: string[];
    openIdMetadataUrl?: string;
  };
  /** Who is who: first Global admins from configuration, and the review organisation's tenant. */
  access: { bootstrapAdmins: BootstrapAdmin[]; reviewTenantId?: string };
  graph: {
    baseUrl: string;
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    authorityHost?: string;
    teamsAppCatalogId?: string;
  };
  files: {
    store: 'local' | 'sharepoint';
    sharepointDriveId?: string;
    maxBytes: number;
    allowedHosts: string[];
    allowLoopback: boolean;
    pendingUploadMinutes: number;
    publicBaseUrl: string;
    linkSecret: string;
    linkDays: number;
    exportLinkHours: number;
    pdfFonts: { regular?: string; bold?: string };
  };
  reviewersConversationId?: string;
  scheduler: { reminderIntervalHours: number; expiryWarningDays: number; intervalSeconds: number };
  outbox: { pollMs: number; maxAttempts: number; tenantRatePerSecond: number };
  playgroundUserAadId: string;
  logLevel: string;
};

/** Reads and validates the environment once. Nothing else in the code reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    demoSeed: e.DEMO_SEED,
    bot: {
      appId: e.MicrosoftAppId || undefined,
      appPassword: e.MicrosoftAppPassword || undefined,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId || undefined,
      allowedTenantIds: e.ALLOWED_TENANT_IDS,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    },
    access: { bootstrapAdmins: e.BOOTSTRAP_ADMINS.map(parseBootstrapAdmin), reviewTenantId: e.REVIEW_TENANT_ID },
    graph: {
      baseUrl: e.GRAPH_BASE_URL.replace(/\/$/, ''),
      tenantId: e.GRAPH_TENANT_ID,
      clientId: e.GRAPH_CLIENT_ID,
      clientSecret: e.GRAPH_CLIENT_SECRET,
      authorityHost: e.GRAPH_AUTHORITY_HOST,
      teamsAppCatalogId: e.TEAMS_APP_CATALOG_ID,
    },
    files: {
      store: e.FILE_STORE,
      sharepointDriveId: e.SHAREPOINT_DRIVE_ID,
      maxBytes: e.FILE_MAX_BYTES,
      allowedHosts: e.DOWNLOAD_ALLOWED_HOSTS,
      allowLoopback: e.DOWNLOAD_ALLOW_LOOPBACK,
      pendingUploadMinutes: e.PENDING_UPLOAD_MINUTES,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
      // Local mode has no secret to derive from; links then only need to survive this machine.
      linkSecret: e.FILE_LINK_SECRET ?? e.MicrosoftAppPassword ?? 'local-development-only-link-secret',
      linkDays: e.FILE_LINK_DAYS,
      exportLinkHours: Math.max(1, e.EXPORT_LINK_HOURS),
      pdfFonts: { regular: e.PDF_FONT_FILE || undefined, bold: e.PDF_BOLD_FONT_FILE || undefined },
    },
    reviewersConversationId: e.REVIEWERS_CONVERSATION_ID,
    scheduler: {
      reminderIntervalHours: e.REMINDER_INTERVAL_HOURS,
      expiryWarningDays: e.EXPIRY_WARNING_DAYS,
      intervalSeconds: e.SCHEDULER_INTERVAL_SECONDS,
    },
    outbox: { pollMs: e.OUTBOX_POLL_MS, maxAttempts: e.OUTBOX_MAX_ATTEMPTS, tenantRatePerSecond: e.OUTBOX_TENANT_RATE_PER_SECOND },
    playgroundUserAadId: e.PLAYGROUND_USER_AAD_ID,
    logLevel: e.LOG_LEVEL,
  };
}

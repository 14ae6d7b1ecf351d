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
/** A flag whose default depends on the mode (local or authenticated): undefined when not set. */
const optionalBool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes'].includes(v)));

/** Teams and SharePoint hosts that deliver files to a bot (downloadUrl); anything else is refused. */
const DEFAULT_DOWNLOAD_HOSTS = '*.sharepoint.com,*.sharepoint.us,*.teams.microsoft.com,*.asm.skype.com,*.trafficmanager.net';

const envSchema = z.object({
  PORT: int(3978),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  /** false behind a pooler that moves a session's statements between server connections (PgBouncer transaction mode without prepared-statement support). */
  DATABASE_PREPARED_STATEMENTS: bool(true),
  DATA_DIR: z.string().default(path.join(projectRoot, 'data')),
  /** Default: true in local mode, false with app credentials (a production tenant never gets Contoso). */
  DEMO_SEED: optionalBool(),
  /** Authenticated mode refuses the embedded PostgreSQL (its files die with the instance) unless this is true. */
  ALLOW_EMBEDDED_DATABASE: bool(false),
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
  /** A multi-tenant Entra app (client secret): Graph tokens for each partner or review tenant that consented, not only GRAPH_TENANT_ID. */
  GRAPH_MULTI_TENANT: bool(false),
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
  /** Signs document links; required with app credentials (same value on every replica). Local mode keeps a random one in the database. */
  FILE_LINK_SECRET: z.string().optional(),
  FILE_LINK_DAYS: int(7),
  /** How long an export download link (a claim's ZIP, the organisation's claims CSV) works. */
  EXPORT_LINK_HOURS: int(24),
  REVIEWERS_CONVERSATION_ID: z.string().optional(),
  REMINDER_INTERVAL_HOURS: int(24),
  EXPIRY_WARNING_DAYS: int(7),
  SCHEDULER_INTERVAL_SECONDS: int(60),
  OUTBOX_POLL_MS: int(500),
  OUTBOX_MAX_ATTEMPTS: int(8),
  OUTBOX_TENANT_RATE_PER_SECOND: int(30),
  /** How long a replica owns the notifications it claimed; after a crash they are delivered once it runs out. */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(120),
  /** /readyz fails when a due notification has waited longer than this (nobody is delivering). */
  OUTBOX_STUCK_AFTER_SECONDS: int(300),
  /** Local mode only: answer as if every activity came in this language (the Agents Playground always sends en-US). */
  PLAYGROUND_LOCALE: z
    .string()
    .regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, 'a language tag such as ko-KR')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A BOOTSTRAP_ADMINS entry: a directory object in a tenant, or a user principal name (any tenant). */
export type BootstrapAdmin = { tenantId: string; aadObjectId: string } | { userPrincipalName: string };

function parseBootstrapAdmin(entry: string): BootstrapAdmin {
  if (entry.includes('@')) return { userPrincipalName: entry.toLowerCase() };
  const [tenantId, aadObjectId, ...rest] = entry.split(':').map((x) => x.trim());
  if (!tenantId || !aadObjectId || rest.length > 0) {
    throw new ConfigError([`BOOTSTRAP_ADMINS: "${entry}" is neither tenantId:aadObjectId nor a user principal name`]);
  }
  return { tenantId: tenantId.toLowerCase(), aadObjectId: aadObjectId.toLowerCase() };
}

/**
 * Telemetry, read on its own before anything else loads (services/telemetryStart.ts must run before http and
 * pg are required, so their instrumentation can hook them). Off unless an exporter is configured.
 */
const telemetrySchema = z.object({
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().default('coop-claims'),
  OTEL_SDK_DISABLED: bool(false),
});

export type TelemetryConfig = {
  /** Application Insights through the Azure Monitor OpenTelemetry distro. */
  azureMonitorConnectionString?: string;
  /** Any OpenTelemetry collector (OTLP over HTTP); the exporters read OTEL_EXPORTER_OTLP_* themselves. */
  otlp?: { endpoint: string; protocol: 'http/protobuf' | 'http/json' };
  serviceName: string;
};

export function loadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  const parsed = telemetrySchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  if (e.OTEL_SDK_DISABLED) return { serviceName: e.OTEL_SERVICE_NAME };
  return {
    azureMonitorConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING || undefined,
    otlp: e.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL } : undefined,
    serviceName: e.OTEL_SERVICE_NAME,
  };
}

export type Config = {
  port: number;
  host: string;
  databaseUrl?: string;
  databasePreparedStatements: boolean;
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
    /** MicrosoftAppType=UserAssignedMSI and no GRAPH_CLIENT_SECRET: Graph tokens come from the bot's managed identity (clientId). */
    managedIdentity: boolean;
    /** GRAPH_MULTI_TENANT: each tenant's directory with a token of that tenant (admin consent in each). */
    multiTenant: boolean;
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
    /** Unset in local mode: the bot then uses the random secret kept in the database (services/instanceSecrets.ts). */
    linkSecret?: string;
    linkDays: number;
    exportLinkHours: number;
  };
  reviewersConversationId?: string;
  scheduler: { reminderIntervalHours: number; expiryWarningDays: number; intervalSeconds: number };
  outbox: { pollMs: number; maxAttempts: number; tenantRatePerSecond: number; leaseSeconds: number };
  /** GET /readyz thresholds. */
  readiness: { outboxStuckAfterSeconds: number };
  /** Local mode only: the language every turn is answered in, whatever the activity says. */
  playgroundLocale?: string;
  logLevel: string;
};

export const MIN_LINK_SECRET_LENGTH = 32;

/** Why a FILE_LINK_SECRET is too weak to sign document links, or null when it will do. */
export function linkSecretWeakness(secret: string): string | null {
  if (secret.length < MIN_LINK_SECRET_LENGTH) return `it has ${secret.length} characters; at least ${MIN_LINK_SECRET_LENGTH} are needed`;
  // Length alone lets "aaaa…" or "1234…" through; random secrets (hex, base64) use far more distinct characters.
  if (new Set(secret).size < 12) return 'it repeats too few distinct characters to be random';
  return null;
}

const LINK_SECRET_HINT =
  'generate one with `openssl rand -base64 48` and set the same value on every replica (infra/ keeps it in Key Vault)';

type Env = z.infer<typeof envSchema>;

/**
 * Authenticated mode (app credentials set) is production: development defaults that would lose data or
 * open documents to anyone are refused, each with what to set instead.
 */
function productionRefusals(e: Env): string[] {
  const refusals: string[] = [];
  if (!e.FILE_LINK_SECRET) {
    refusals.push(
      `FILE_LINK_SECRET is required with app credentials: it signs the document links on cards, and without it anyone could mint a link to any claim's files; ${LINK_SECRET_HINT}.`,
    );
  }
  if (!e.DATABASE_URL && !e.ALLOW_EMBEDDED_DATABASE) {
    refusals.push(
      'DATABASE_URL is required with app credentials: the embedded PostgreSQL keeps its files on this instance, so a redeploy or a second replica loses or splits the data. ' +
        'Set DATABASE_URL to your PostgreSQL server (e.g. Azure Database for PostgreSQL), or ALLOW_EMBEDDED_DATABASE=true for a single-machine trial (local debug through a dev tunnel).',
    );
  }
  if (!e.PUBLIC_BASE_URL) {
    refusals.push(
      'PUBLIC_BASE_URL is required with app credentials: document links on cards point there. Set it to the https address users reach this bot at (e.g. https://coop-claims.azurewebsites.net).',
    );
  } else if (!e.PUBLIC_BASE_URL.startsWith('https://')) {
    refusals.push(
      `PUBLIC_BASE_URL must be https with app credentials (it is ${e.PUBLIC_BASE_URL}): document links carry a signature that must not travel in clear text.`,
    );
  }
  if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    refusals.push(
      `MicrosoftAppPassword is required with MicrosoftAppType=${e.MicrosoftAppType}: without it the bot cannot sign its replies. Set the client secret of the bot's Entra app, or use MicrosoftAppType=UserAssignedMSI with a managed identity.`,
    );
  }
  if (e.PLAYGROUND_LOCALE) {
    refusals.push('PLAYGROUND_LOCALE is for the Agents Playground only: in Teams each user is answered in their own language. Remove it.');
  }
  if (e.MicrosoftAppType !== 'MultiTenant' && !e.MicrosoftAppTenantId) {
    refusals.push(
      `MicrosoftAppTenantId is required with MicrosoftAppType=${e.MicrosoftAppType}: set the tenant the bot's identity lives in.`,
    );
  }
  return refusals;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once. Nothing else in the code reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const authenticated = !!e.MicrosoftAppId;
  const problems = authenticated ? productionRefusals(e) : [];
  const weakness = e.FILE_LINK_SECRET ? linkSecretWeakness(e.FILE_LINK_SECRET) : null;
  if (weakness) problems.push(`FILE_LINK_SECRET is too weak: ${weakness}; ${LINK_SECRET_HINT}.`);
  if (e.GRAPH_MULTI_TENANT && !(e.GRAPH_CLIENT_ID && e.GRAPH_CLIENT_SECRET)) {
    problems.push(
      'GRAPH_MULTI_TENANT needs GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET of a multi-tenant Entra app: a managed identity gets tokens in its own tenant only. Set both, or remove GRAPH_MULTI_TENANT to use Graph in one tenant.',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const managedIdentity = authenticated && e.MicrosoftAppType === 'UserAssignedMSI' && !e.GRAPH_CLIENT_SECRET;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    dataDir: path.resolve(e.DATA_DIR),
    demoSeed: e.DEMO_SEED ?? !authenticated,
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
      tenantId: e.GRAPH_TENANT_ID ?? (managedIdentity ? e.MicrosoftAppTenantId : undefined),
      // One identity for the bot and Graph: the managed identity's client id is the bot's app id.
      clientId: e.GRAPH_CLIENT_ID ?? (managedIdentity ? e.MicrosoftAppId : undefined),
      clientSecret: e.GRAPH_CLIENT_SECRET,
      authorityHost: e.GRAPH_AUTHORITY_HOST,
      managedIdentity,
      multiTenant: e.GRAPH_MULTI_TENANT,
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
      linkSecret: e.FILE_LINK_SECRET || undefined,
      linkDays: e.FILE_LINK_DAYS,
      exportLinkHours: Math.max(1, e.EXPORT_LINK_HOURS),
    },
    reviewersConversationId: e.REVIEWERS_CONVERSATION_ID,
    scheduler: {
      reminderIntervalHours: e.REMINDER_INTERVAL_HOURS,
      expiryWarningDays: e.EXPIRY_WARNING_DAYS,
      intervalSeconds: e.SCHEDULER_INTERVAL_SECONDS,
    },
    outbox: {
      pollMs: e.OUTBOX_POLL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      tenantRatePerSecond: e.OUTBOX_TENANT_RATE_PER_SECOND,
      leaseSeconds: e.OUTBOX_LEASE_SECONDS,
    },
    readiness: { outboxStuckAfterSeconds: e.OUTBOX_STUCK_AFTER_SECONDS },
    playgroundLocale: e.PLAYGROUND_LOCALE,
    logLevel: e.LOG_LEVEL,
  };
}

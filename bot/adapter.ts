import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CallerIdConstants,
  CardFactory,
  CloudAdapter,
  StatusCodes,
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/config';
import { renderMessage, t } from '../cards';
import { log } from '../services/log';

/** True when no app credentials are configured: no inbound JWT check (local playground and tests only). */
export const isLocalMode = (config: Config) => !config.bot.appId;

/**
 * botbuilder takes the cloud's endpoints as a set: once one is given, all must be. These are its public-cloud
 * values, with only the channel's signing-key metadata moved (a local key set in tests, or another cloud).
 */
const publicCloudWithOpenIdMetadata = (url: string): ConfigurationBotFrameworkAuthenticationOptions => ({
  ToBotFromChannelOpenIdMetadataUrl: url,
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  CallerId: CallerIdConstants.PublicAzureChannel,
  ValidateAuthority: true,
});

/** The continuation activity botbuilder builds for continueConversationAsync (ActivityEx.getContinuationActivity). */
const isProactiveTurn = (context: TurnContext) => context.activity?.type === 'event' && context.activity.name === 'ContinueConversation';

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** A request the adapter refused to authenticate; `reason` is for the log only, never the response. */
export class NotAuthenticated extends Error {
  constructor(readonly reason: string) {
    super('not authenticated');
  }
}

/**
 * botbuilder prints every refused token to console.error (a stack, and the whole public key set),
 * which let any anonymous caller write many lines per request. Inside authenticate() those go to the
 * debug log; the HTTP edge writes the one warning line.
 */
const quietConsole = new AsyncLocalStorage<true>();
let consoleDemoted = false;
function demoteBotbuilderConsole(): void {
  if (consoleDemoted) return;
  consoleDemoted = true;
  const original = console.error.bind(console);
  const authLog = log.child({ mod: 'auth' });
  console.error = (...args: unknown[]) => {
    if (!quietConsole.getStore()) return original(...args);
    const first = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    authLog.debug({ detail: first.split('\n')[0]?.slice(0, 200) }, 'botbuilder token check');
  };
}

/**
 * CloudAdapter with the two steps of CloudAdapter.process kept apart, so the HTTP edge (bot/server.ts)
 * owns every answer: process() answered 500 with the error's text for token errors that are not
 * botbuilder's AuthenticationError (a bad signature, alg none, a future nbf), and 500 for bodies it
 * could not read. The turn itself is botbuilder's, with this adapter's onTurnError.
 */
export class CoopAdapter extends CloudAdapter {
  /** Checks the request's JWT (local mode: accepts any request). Throws NotAuthenticated, whatever went wrong. */
  async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    demoteBotbuilderConsole();
    try {
      return await quietConsole.run(true, () => this.botFrameworkAuthentication.authenticateRequest(activity, authHeader));
    } catch (e) {
      const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      throw new NotAuthenticated(reason.split('\n')[0]!.slice(0, 200));
    }
  }

  /** Runs the turn for an authenticated activity; resolves with the invoke response, if any. */
  runTurn(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

/** Error body of an invoke answered without a card (Universal Actions: application/vnd.microsoft.error). */
export const invokeError = (statusCode: number, code: string, message: string) => ({
  statusCode,
  type: 'application/vnd.microsoft.error',
  value: { code, message },
});

/**
 * The adapter authenticates every inbound request (JWT from the Bot Framework) whenever an app id is
 * configured; in local mode it accepts unauthenticated requests and sends without tokens.
 */
export function createAdapter(config: Config): CoopAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = isLocalMode(config)
    ? {}
    : {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword,
        MicrosoftAppType: config.bot.appType,
        MicrosoftAppTenantId: config.bot.tenantId,
        ...(config.bot.openIdMetadataUrl ? publicCloudWithOpenIdMetadata(config.bot.openIdMetadataUrl) : {}),
      };
  const adapter = new CoopAdapter(new ConfigurationBotFrameworkAuthentication(options));
  const turnLog = log.child({ mod: 'turn' });
  // A failing turn is logged with its stack; the user only ever sees a short apology in their language.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // A proactive turn (continueConversationAsync: outbox sends, card updates) has no user waiting on it.
    // Its error must reach the caller: runMiddleware resolves once onTurnError returns, so swallowing it
    // here made every failed send look delivered (the outbox marked 429/503 answers SENT and never retried).
    // The caller classifies it (bot/outbox/retryPolicy.ts) and logs it once.
    if (isProactiveTurn(context)) throw error;
    turnLog.error({ err: error, activityType: context.activity?.type }, 'turn failed');
    const locale = typeof context.activity?.locale === 'string' ? context.activity.locale : 'en-US';
    if (context.activity?.type === 'message') {
      const card = renderMessage({ title: t(locale, 'app.name'), text: t(locale, 'bot.internalError'), tone: 'attention' }, locale);
      await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] }).catch(() => undefined);
    }
    if (context.activity?.type === 'invoke') {
      // Without this botbuilder answers 501; the body carries no internal detail.
      await context
        .sendActivity({
          type: 'invokeResponse',
          value: {
            status: StatusCodes.INTERNAL_SERVER_ERROR,
            body: invokeError(500, 'InternalServerError', t(locale, 'bot.internalError')),
          },
        })
        .catch(() => undefined);
    }
  };
  return adapter;
}

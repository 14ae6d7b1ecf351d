import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/config';
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

/**
 * The adapter authenticates every inbound request (JWT from the Bot Framework) whenever an app id is
 * configured; in local mode it accepts unauthenticated requests and sends without tokens.
 */
export function createAdapter(config: Config): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = isLocalMode(config)
    ? {}
    : {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword,
        MicrosoftAppType: config.bot.appType,
        MicrosoftAppTenantId: config.bot.tenantId,
        ...(config.bot.openIdMetadataUrl ? publicCloudWithOpenIdMetadata(config.bot.openIdMetadataUrl) : {}),
      };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  const turnLog = log.child({ mod: 'turn' });
  // A failing turn is logged with its stack; the user only ever sees a short apology.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // A proactive turn (continueConversationAsync: outbox sends, card updates) has no user waiting on it.
    // Its error must reach the caller: runMiddleware resolves once onTurnError returns, so swallowing it
    // here made every failed send look delivered (the outbox marked 429/503 answers SENT and never retried).
    // The caller classifies it (bot/outbox/retryPolicy.ts) and logs it once.
    if (isProactiveTurn(context)) throw error;
    turnLog.error({ err: error, activityType: context.activity?.type }, 'turn failed');
    if (context.activity?.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on our side. Please try again.').catch(() => undefined);
    }
  };
  return adapter;
}

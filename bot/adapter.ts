import {
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
      };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  const turnLog = log.child({ mod: 'turn' });
  // A failing turn is logged with its stack; the user only ever sees a short apology.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Proactive sends and card updates (continueConversation) fail for reasons the outbox records; no user turn failed.
    if (context.activity?.type === 'event' && context.activity.name === 'ContinueConversation') {
      turnLog.warn({ err: error.message }, 'proactive send failed');
      return;
    }
    turnLog.error({ err: error, activityType: context.activity?.type }, 'turn failed');
    if (context.activity?.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on our side. Please try again.').catch(() => undefined);
    }
  };
  return adapter;
}

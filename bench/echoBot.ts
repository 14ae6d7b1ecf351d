import restify from 'restify';
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';

/**
 * The in-run baseline: the same restify + CloudAdapter stack as bot/server.ts with no database and
 * no cards library. Messages get a one-line Adaptive Card sent through the connector (as ours do);
 * `adaptiveCard/action` invokes are answered with a one-line card in the invoke response.
 * (botbuilder outside bot/: this is a measuring instrument, not part of the product.)
 */
const card = (text: string) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text, wrap: true }],
});

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity({
        type: 'message',
        attachments: [CardFactory.adaptiveCard(card(`Echo: ${context.activity.text ?? ''}`))],
      });
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action') {
      const verb = (context.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? '';
      return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(`Echo: ${verb}`) } };
    }
    return super.onInvokeActivity(context);
  }
}

export async function startEchoBot(opts: { port?: number; host?: string } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

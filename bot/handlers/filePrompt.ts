import { renderFileElsewhere, renderFilePrompt } from '../../cards';
import type { DocumentKind } from '../../prisma/generated/client';
import type { BeginFileUploadOptions } from '../../services/pendingUploads';
import { log } from '../../services/log';
import { reachUser } from '../proactive';
import type { HandlerContext, Reply } from '../turn';

const promptLog = log.child({ mod: 'file-prompt' });

/**
 * "Send me the file", wherever the person asked for it. Teams hands files to a bot only in a 1:1
 * chat: asked there, the prompt is the answer. Asked in a channel or group chat, the wait starts only
 * if their 1:1 chat can be reached, the prompt goes there through the outbox, and the line left in the
 * conversation says so; without a 1:1 chat nothing waits for a file that cannot come.
 */
export async function askForFile(
  ctx: HandlerContext,
  claim: { id: string; number: string; name: string },
  kind: DocumentKind,
  begin: (opts: BeginFileUploadOptions) => Promise<{ kind: DocumentKind; expiresAt: Date }>,
): Promise<Reply> {
  const maxMb = Math.round(ctx.deps.config.files.maxBytes / 1048576);
  if (ctx.conversation.type === 'personal') {
    const pending = await begin({});
    return {
      card: renderFilePrompt({ claim, kind: pending.kind, expiresAt: pending.expiresAt, now: ctx.deps.svc.clock.now(), maxMb }, ctx.locale),
    };
  }
  const reach = await reachUser(
    {
      db: ctx.deps.svc.db,
      appId: ctx.deps.config.bot.appId,
      graph: ctx.deps.graph,
      teamsAppCatalogId: ctx.deps.config.graph.teamsAppCatalogId,
    },
    ctx.user.id,
  ).catch((e: Error) => {
    promptLog.warn({ err: e.message }, 'could not reach the 1:1 chat');
    return { ok: false as const };
  });
  if (reach.ok) await begin({ promptInPersonalChat: { maxMb } });
  return { card: renderFileElsewhere({ claim, kind, userName: ctx.user.displayName, sent: reach.ok }, ctx.locale) };
}

import type { Attachment } from 'botbuilder';
import { z } from 'zod';
import { downloadAttachment } from '../../services/downloads';
import { t } from '../../cards';
import { renderFundsPreview } from '../../cards';
import { FUNDS_IMPORT_MAX_BYTES, previewFundsImport } from '../../services/fundsImport';
import { ServiceError } from '../../services/errors';
import { completeFileUpload, getPendingUpload, isAwaitingFundsFile } from '../../services/pendingUploads';
import { listOpenUploadRequestsFor } from '../../services/uploadRequests';
import type { HandlerContext, Reply } from '../turn';
import { actor, detailReply, messageReply } from './common';
import { requestCardReply } from './uploadRequests';

const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
const downloadInfo = z.object({ downloadUrl: z.string().url(), fileType: z.string().optional() });

/** Where to fetch an attachment from, or null for one we cannot read (skipped, never a crash). */
function source(a: Attachment): { url: string; fileName: string } | null {
  if (a.contentType === FILE_DOWNLOAD_INFO) {
    const info = downloadInfo.safeParse(a.content);
    if (!info.success) return null;
    const ext = info.data.fileType ? `.${info.data.fileType}` : '';
    return { url: info.data.downloadUrl, fileName: a.name ?? `file${ext}` };
  }
  if (a.contentType?.startsWith('image/') && a.contentUrl) {
    const ext = a.contentType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    return { url: a.contentUrl, fileName: a.name ?? `image.${ext}` };
  }
  return null;
}

/**
 * A file sent in 1:1 chat lands on the claim the user was adding a document to (the pending upload
 * in the database). It is downloaded only from allowed hosts, checked on its bytes and size, then
 * stored; a refused file stores nothing and says why.
 */
export async function handleFileMessage(ctx: HandlerContext, attachments: Attachment[]): Promise<Reply> {
  // Teams gives a bot files only in 1:1 chat; whatever arrives elsewhere (an inline image) is not the
  // document anyone waits for, and the wait stays for the file in the 1:1 chat.
  if (ctx.conversation.type !== 'personal') return messageReply(ctx, 'upload.onlyPersonal');
  const pending = await getPendingUpload(ctx.deps.svc, actor(ctx));
  if (!pending && (await isAwaitingFundsFile(ctx.deps.svc, actor(ctx)))) return fundsFile(ctx, attachments);
  if (!pending) {
    // A colleague who was asked for a document sends it straight away: show the request to answer.
    const [asked] = await listOpenUploadRequestsFor(ctx.deps.svc, actor(ctx));
    return asked ? requestCardReply(ctx, asked.id, t(ctx.locale, 'upload.noPendingRequest')) : messageReply(ctx, 'upload.noPending');
  }
  const src = attachments.map(source).find((s) => s !== null);
  if (!src) return messageReply(ctx, 'upload.unreadable');
  const { files } = ctx.deps.config;
  const file = await downloadAttachment(src.url, {
    allowedHosts: files.allowedHosts,
    allowLoopback: files.allowLoopback,
    maxBytes: files.maxBytes,
    fileName: src.fileName,
  });
  const stored = await ctx.deps.files.put(file.bytes, { fileName: src.fileName, contentType: file.contentType });
  const r = await completeFileUpload(ctx.deps.svc, actor(ctx), stored);
  ctx.deps.claimChanged(r.claimId, ctx.conversation.id);
  // A colleague answering a request sees that request, now fulfilled; partner staff see the claim.
  if (pending.uploadRequestId) return requestCardReply(ctx, pending.uploadRequestId);
  return detailReply(ctx, r.claimId, 'documentAdded');
}

/**
 * A funds CSV after "Import funds": downloaded with a cap well under the document limit (a 50 MB
 * file is cut off while it streams in), checked to be text CSV, then parsed and previewed. The
 * wait stays open, so a corrected file can be sent straight after.
 */
async function fundsFile(ctx: HandlerContext, attachments: Attachment[]): Promise<Reply> {
  const src = attachments.map(source).find((s) => s !== null);
  if (!src) return messageReply(ctx, 'upload.unreadable');
  const { files } = ctx.deps.config;
  const maxBytes = Math.min(files.maxBytes, FUNDS_IMPORT_MAX_BYTES);
  const file = await downloadAttachment(src.url, {
    allowedHosts: files.allowedHosts,
    allowLoopback: files.allowLoopback,
    maxBytes,
    fileName: src.fileName,
  });
  if (file.ext !== 'csv') throw new ServiceError('invalid', 'funds_not_csv', 'Not a CSV file');
  const preview = await previewFundsImport(ctx.deps.svc, actor(ctx), { fileName: src.fileName, sha256: file.sha256, bytes: file.bytes });
  return { card: renderFundsPreview(preview, ctx.locale) };
}

import crypto from 'node:crypto';
import type { Db } from './db/client';

/**
 * A random secret this deployment made for itself, kept in the database so every replica on it agrees.
 * The first process to ask creates it (48 random bytes); later ones, and racing ones, read that row.
 */
export async function instanceSecret(db: Db, name: string): Promise<string> {
  await db.instanceSecret.createMany({ data: [{ name, value: crypto.randomBytes(48).toString('base64url') }], skipDuplicates: true });
  return (await db.instanceSecret.findUniqueOrThrow({ where: { name } })).value;
}

/** Local mode's key for document links (authenticated mode requires FILE_LINK_SECRET instead). */
export const LOCAL_LINK_SECRET = 'document-links';

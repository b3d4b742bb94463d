import type { IncomingMessage } from 'node:http';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/connect.ts';
import { webUploads } from '../../db/schema.ts';
import { RejectedRequestError } from '../../errors.ts';
import { readBodyBytes } from '../../http/read-body.ts';
import { findMedia, type MediaFile, saveMedia } from '../../media/media-store.ts';

/**
 * Files visitors send, kept in the media store of all channels (src/media/media-store.ts). They
 * are served back only to that visitor (and, later, to agents).
 */
export type StoredUpload = MediaFile;

/** The most bytes one upload may have now, and the error for a body that passes it. */
export interface UploadLimit {
  maxBytes: number;
  tooLarge: (maxBytes: number) => Error;
}

export function createUploadStore(db: Database, accountId: (accountName: string) => Promise<number>) {
  return {
    async save(account: string, owner: string, req: IncomingMessage, fileName: string, limit: UploadLimit): Promise<StoredUpload> {
      // Held in memory up to the limit (at most WEB_CHAT_MAX_UPLOAD_BYTES, 5 MB by default), then stored in one insert.
      const bytes = await readBodyBytes(req, limit.maxBytes, limit.tooLarge);
      if (bytes.length === 0) throw new RejectedRequestError('empty_file', 'the file is empty', 400);
      return saveMedia(db, { channelAccountId: await accountId(account), owner, name: fileName, bytes });
    },

    /** Bytes of uploads kept for the whole widget account, and of those, for one visitor. */
    async storedBytes(account: string, owner: string): Promise<{ account: number; visitor: number }> {
      const [row] = await db
        .select({
          account: sql<string>`coalesce(sum(${webUploads.size}), 0)`,
          visitor: sql<string>`coalesce(sum(${webUploads.size}) filter (where ${webUploads.owner} = ${owner}), 0)`,
        })
        .from(webUploads)
        .where(eq(webUploads.channelAccountId, await accountId(account)));
      // sum() of integers is a bigint, which the drivers hand over as a string.
      return { account: Number(row?.account ?? 0), visitor: Number(row?.visitor ?? 0) };
    },

    /** The upload if it exists and belongs to `owner`; otherwise undefined (the caller answers 404 either way). */
    async find(account: string, owner: string, id: string): Promise<{ upload: StoredUpload; bytes: Buffer } | undefined> {
      const found = await findMedia(db, { id, channelAccountId: await accountId(account), owner });
      return found && { upload: found.file, bytes: found.bytes };
    },
  };
}

export type UploadStore = ReturnType<typeof createUploadStore>;

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/connect.ts';
import { webUploads } from '../../db/schema.ts';
import { RejectedRequestError } from '../../errors.ts';
import { readBodyBytes } from '../../http/read-body.ts';

/**
 * Files visitors send, kept in the database (table web_uploads) — bytes, type, name and who sent
 * them — so any API process serves any upload without a shared volume. They are served back only
 * to that visitor (and, later, to agents).
 */
export interface StoredUpload {
  id: string;
  owner: string;
  /** image when the bytes are a PNG, JPEG, GIF or WebP picture; anything else is a file. */
  kind: 'image' | 'file';
  contentType: string;
  name: string;
  size: number;
}

// Only pictures recognised by their first bytes are shown inline; everything else is served as a
// download, whatever type the visitor claimed, so an upload can never run as a page on our origin.
function sniffImageType(head: Buffer): string | undefined {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

// Control characters, path separators and quotes never reach a Content-Disposition header or a page.
const safeName = (name: string) =>
  [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/"<>'.includes(c) ? '_' : c))
    .join('')
    .slice(0, 200) || 'file';

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
      const imageType = sniffImageType(bytes.subarray(0, 12));
      const upload: StoredUpload = {
        id: randomBytes(16).toString('hex'),
        owner,
        kind: imageType ? 'image' : 'file',
        contentType: imageType ?? 'application/octet-stream',
        name: safeName(fileName),
        size: bytes.length,
      };
      await db.insert(webUploads).values({ ...upload, channelAccountId: await accountId(account), bytes });
      return upload;
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
      if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
      const [row] = await db
        .select({
          id: webUploads.id,
          owner: webUploads.owner,
          kind: webUploads.kind,
          contentType: webUploads.contentType,
          name: webUploads.name,
          size: webUploads.size,
          bytes: webUploads.bytes,
        })
        .from(webUploads)
        .where(and(eq(webUploads.id, id), eq(webUploads.channelAccountId, await accountId(account)), eq(webUploads.owner, owner)));
      if (!row) return undefined;
      const { bytes, ...upload } = row;
      return { upload, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    },
  };
}

export type UploadStore = ReturnType<typeof createUploadStore>;

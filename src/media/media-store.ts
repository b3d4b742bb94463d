import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { webUploads } from '../db/schema.ts';

/**
 * The one store of files customers send, on every channel: bytes, type, name and who sent them,
 * in the database (table web_uploads, named for its first user), so any process serves any file
 * and none depends on a replica's local disk. Web uploads are written by the API as they arrive;
 * platform media (a WeChat MediaId) by the worker after the callback was acknowledged.
 */
export interface MediaFile {
  /** 32 hex characters, random. */
  id: string;
  /** The customer who sent it (a web visitor id, an openid…). */
  owner: string;
  /** image when the bytes are a PNG, JPEG, GIF or WebP picture; anything else is a file. */
  kind: 'image' | 'file';
  contentType: string;
  name: string;
  size: number;
}

// Only pictures recognised by their first bytes are shown inline; everything else is served as a
// download, whatever type the sender claimed, so a file can never run as a page on our origin.
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

export async function saveMedia(
  db: Database,
  file: { channelAccountId: number; owner: string; name: string; bytes: Buffer },
): Promise<MediaFile> {
  const imageType = sniffImageType(file.bytes.subarray(0, 12));
  const stored: MediaFile = {
    id: randomBytes(16).toString('hex'),
    owner: file.owner,
    kind: imageType ? 'image' : 'file',
    contentType: imageType ?? 'application/octet-stream',
    name: safeName(file.name),
    size: file.bytes.length,
  };
  await db.insert(webUploads).values({ ...stored, channelAccountId: file.channelAccountId, bytes: file.bytes });
  return stored;
}

/** The file if it exists in this account and belongs to `owner`; otherwise undefined (callers answer 404 either way). */
export async function findMedia(
  db: Database,
  key: { id: string; channelAccountId: number; owner: string },
): Promise<{ file: MediaFile; bytes: Buffer } | undefined> {
  if (!/^[0-9a-f]{32}$/.test(key.id)) return undefined;
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
    .where(and(eq(webUploads.id, key.id), eq(webUploads.channelAccountId, key.channelAccountId), eq(webUploads.owner, key.owner)));
  if (!row) return undefined;
  const { bytes, ...file } = row;
  return { file, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

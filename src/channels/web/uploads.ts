import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RejectedRequestError } from '../../errors.ts';

/**
 * Files visitors send, under DATA_DIR/uploads/<account>/: the bytes and a small JSON record of who
 * sent them. They are served back only to that visitor (and, later, to agents). Several API
 * processes need a shared DATA_DIR for this (docs/channels.md).
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

export function createUploadStore(dataDir: string) {
  const dirOf = (account: string) => join(dataDir, 'uploads', account);

  return {
    /** Streams the request body to disk, refusing (413) past `maxBytes` without buffering it. */
    async save(account: string, owner: string, req: IncomingMessage, fileName: string, maxBytes: number): Promise<StoredUpload> {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        req.resume();
        throw new RejectedRequestError('file_too_large', `files may be at most ${maxBytes} bytes`, 413);
      }
      const dir = dirOf(account);
      await mkdir(dir, { recursive: true });
      const id = randomBytes(16).toString('hex');
      const path = join(dir, id);
      let size = 0;
      try {
        await pipeline(
          req,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > maxBytes) throw new RejectedRequestError('file_too_large', `files may be at most ${maxBytes} bytes`, 413);
              yield chunk;
            }
          },
          createWriteStream(path, { mode: 0o600 }),
        );
      } catch (err) {
        await rm(path, { force: true });
        req.resume();
        throw err;
      }
      if (size === 0) {
        await rm(path, { force: true });
        throw new RejectedRequestError('empty_file', 'the file is empty', 400);
      }
      const head = Buffer.alloc(12);
      const handle = await open(path, 'r');
      await handle.read(head, 0, 12, 0).finally(() => handle.close());
      const imageType = sniffImageType(head);
      const upload: StoredUpload = {
        id,
        owner,
        kind: imageType ? 'image' : 'file',
        contentType: imageType ?? 'application/octet-stream',
        name: safeName(fileName),
        size,
      };
      await writeFile(`${path}.json`, JSON.stringify(upload), { mode: 0o600 });
      return upload;
    },

    /** The upload if it exists and belongs to `owner`; otherwise undefined (the caller answers 404 either way). */
    async find(
      account: string,
      owner: string,
      id: string,
    ): Promise<{ upload: StoredUpload; open: () => NodeJS.ReadableStream } | undefined> {
      if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
      const path = join(dirOf(account), id);
      let upload: StoredUpload;
      try {
        upload = JSON.parse(await readFile(`${path}.json`, 'utf8')) as StoredUpload;
      } catch {
        return undefined;
      }
      if (upload.owner !== owner) return undefined;
      return { upload, open: () => createReadStream(path) };
    },
  };
}

export type UploadStore = ReturnType<typeof createUploadStore>;

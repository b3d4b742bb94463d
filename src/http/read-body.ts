import type { IncomingMessage } from 'node:http';
import { RejectedRequestError } from '../errors.ts';

const bodyTooLarge = (limitBytes: number) => new RejectedRequestError('body_too_large', `body exceeds ${limitBytes} bytes`, 413);

/**
 * Reads a request body up to `limitBytes`. Larger bodies are refused (413 unless `tooLarge` says
 * otherwise) as soon as the limit is passed, or from Content-Length alone: never buffered whole.
 */
export async function readBodyBytes(
  req: IncomingMessage,
  limitBytes: number,
  tooLarge: (limitBytes: number) => Error = bodyTooLarge,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw tooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume();
      throw tooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return (await readBodyBytes(req, limitBytes)).toString('utf8');
}

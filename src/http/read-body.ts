import type { IncomingMessage } from 'node:http';
import { RejectedRequestError } from '../errors.ts';

/**
 * Reads a request body up to `limitBytes`. Larger bodies are refused with 413 as soon as the
 * limit is passed (or from Content-Length alone), never buffered whole.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new RejectedRequestError('body_too_large', `body exceeds ${limitBytes} bytes`, 413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume();
      throw new RejectedRequestError('body_too_large', `body exceeds ${limitBytes} bytes`, 413);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

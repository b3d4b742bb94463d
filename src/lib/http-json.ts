import { request } from 'undici';

/**
 * The one outbound HTTP client for platform APIs: JSON in and out (and files, capped in size), with a timeout. Built on
 * undici's `request` rather than the global `fetch` (the same library underneath): fetch wraps every
 * exchange in WHATWG streams and objects, which cost the worker more than the rest of a turn's
 * send path (docs/performance.md). Network failures and timeouts surface as HttpTransportError so
 * callers can tell them from platform answers.
 */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

export interface JsonRequest {
  method?: 'GET' | 'POST';
  url: string;
  body?: unknown;
  timeoutMs?: number;
}

export async function requestJson<T>(req: JsonRequest): Promise<T> {
  const path = () => new URL(req.url).pathname;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(req.url, {
      method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
      headers: req.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new HttpTransportError(`${path()}: ${(err as Error).message}`);
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    throw new HttpTransportError(`${path()}: HTTP ${response.statusCode}`, response.statusCode);
  }
  try {
    return (await response.body.json()) as T;
  } catch (err) {
    throw new HttpTransportError(
      `${path()}: ${(err as Error).name === 'AbortError' ? (err as Error).message : 'response is not JSON'}`,
      response.statusCode,
    );
  }
}

export interface BytesRequest {
  url: string;
  timeoutMs?: number;
  /** Larger bodies are cut off and refused: an upstream cannot make the process buffer without end. */
  maxBytes: number;
}

/** GET of a file (media downloads): its content type and bytes, at most `maxBytes` of them. */
export async function requestBytes(req: BytesRequest): Promise<{ contentType: string; bytes: Buffer }> {
  const path = new URL(req.url).pathname;
  const tooLarge = () => new HttpTransportError(`${path}: body larger than ${req.maxBytes} bytes`);
  try {
    const response = await request(req.url, { method: 'GET', signal: AbortSignal.timeout(req.timeoutMs ?? 10_000) });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump();
      throw new HttpTransportError(`${path}: HTTP ${response.statusCode}`, response.statusCode);
    }
    if (Number(response.headers['content-length'] ?? 0) > req.maxBytes) {
      await response.body.dump();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      // Leaving the loop closes the stream, so the rest is never read.
      if (size > req.maxBytes) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    return { contentType, bytes: Buffer.concat(chunks) };
  } catch (err) {
    if (err instanceof HttpTransportError) throw err;
    throw new HttpTransportError(`${path}: ${(err as Error).message}`);
  }
}

/**
 * The one outbound HTTP client: fetch with a timeout, JSON in and out. Network failures and
 * timeouts surface as HttpTransportError so callers can tell them from platform answers.
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
  let response: Response;
  try {
    response = await fetch(req.url, {
      method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
      headers: req.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new HttpTransportError(`${new URL(req.url).pathname}: ${(err as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpTransportError(`${new URL(req.url).pathname}: HTTP ${response.status}`, response.status);
  }
  try {
    return (await response.json()) as T;
  } catch {
    throw new HttpTransportError(`${new URL(req.url).pathname}: response is not JSON`, response.status);
  }
}

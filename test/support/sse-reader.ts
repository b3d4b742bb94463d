/** One Server-Sent Event as a client parsed it. */
export interface SseEvent<D = Record<string, unknown>> {
  event: string;
  id?: string;
  data: D;
}

export interface SseStream<D = Record<string, unknown>> {
  events: Array<SseEvent<D>>;
  /** Everything received, comments and `retry:` included. */
  raw(): string;
  /** Resolves with the events seen once `predicate` holds for them. */
  waitFor(predicate: (events: Array<SseEvent<D>>) => boolean, timeoutMs?: number, what?: string): Promise<Array<SseEvent<D>>>;
  close(): void;
  /** Resolves when the server ended the stream (or close() was called). */
  closed: Promise<void>;
}

/** Reads an SSE response as EventSource would (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function readSseStream<D = Record<string, unknown>>(res: Response, abort: AbortController): SseStream<D> {
  if (!res.body) throw new Error('the response has no body');
  const events: Array<SseEvent<D>> = [];
  const waiters = new Set<() => void>();
  let raw = '';
  const closed = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => l && !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
          );
          if (fields.data === undefined) continue;
          events.push({ event: fields.event ?? 'message', id: fields.id, data: JSON.parse(fields.data) });
          for (const wake of waiters) wake();
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  return {
    events,
    closed,
    raw: () => raw,
    close: () => abort.abort(),
    waitFor(predicate, timeoutMs = 30_000, what = 'stream events') {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(events);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

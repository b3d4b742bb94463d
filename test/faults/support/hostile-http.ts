import { Agent, request } from 'node:http';

/** One bad request of a storm, named by the route it aims at and the kind of harm it tries. */
export interface HostileRequest {
  /** The route as the service's router lists it, e.g. `POST /api/web/:publicId/messages`. */
  route: string;
  kind: string;
  method: string;
  /** Path and query string. */
  url: string;
  /** Another process than the storm's (a worker's own port). */
  base?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Send without Content-Length (chunked), so a size cap must hold while streaming. */
  chunked?: boolean;
  /** Bad credentials: only a 4xx is right; a 2xx means the service let the caller in. */
  mustRefuse?: boolean;
  /** The server may refuse before it read the whole body and close: a reset is a refusal too. */
  oversized?: boolean;
}

/** A status code, or the socket error (`ECONNRESET`, `timeout`) when there was no answer. */
export type Outcome = number | string;

/** One of `list`, at random: a storm varies what each kind of request holds. */
export const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export type Maker = () => HostileRequest | Promise<HostileRequest>;

/**
 * Sends one request and resolves with how it was answered. An event stream that opens is closed at
 * once: its status is the answer.
 */
export function fire(base: string, agent: Agent, h: HostileRequest, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...h.headers };
    if (h.body !== undefined && !h.chunked) headers['content-length'] = Buffer.byteLength(h.body);
    const req = request(`${h.base ?? base}${h.url}`, { method: h.method, agent, headers, timeout: timeoutMs }, (res) => {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        req.destroy();
        return resolve(res.statusCode ?? 0);
      }
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 'reset'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    req.end(h.body);
  });
}

/** Outcomes counted by route, then kind, then status. */
export class OutcomeTally {
  readonly byRoute = new Map<string, Map<string, Map<Outcome, number>>>();
  total = 0;

  add(h: HostileRequest, outcome: Outcome): void {
    const kinds = this.byRoute.get(h.route) ?? new Map<string, Map<Outcome, number>>();
    const statuses = kinds.get(h.kind) ?? new Map<Outcome, number>();
    statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
    kinds.set(h.kind, statuses);
    this.byRoute.set(h.route, kinds);
    this.total++;
  }

  *rows(): Generator<{ route: string; kind: string; outcome: Outcome; count: number }> {
    for (const [route, kinds] of this.byRoute)
      for (const [kind, statuses] of kinds) for (const [outcome, count] of statuses) yield { route, kind, outcome, count };
  }

  /** `route → kind → {status: count}`, for the test log. */
  summary(): Record<string, Record<string, Record<string, number>>> {
    return Object.fromEntries(
      [...this.byRoute].map(([route, kinds]) => [route, Object.fromEntries([...kinds].map(([k, m]) => [k, Object.fromEntries(m)]))]),
    );
  }
}

export interface StormOptions {
  base: string;
  makers: Maker[];
  count: number;
  concurrency: number;
  /** Called with every answer (a tally, a verdict); a storm without it is a warm-up. */
  onAnswer?: (h: HostileRequest, outcome: Outcome, ms: number) => void;
}

/** Sends `count` requests, taking the makers in turn, `concurrency` at a time, on kept-alive connections. */
export async function storm(options: StormOptions): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.count) {
          const h = await options.makers[next++ % options.makers.length]!();
          const started = performance.now();
          const outcome = await fire(options.base, agent, h);
          options.onAnswer?.(h, outcome, performance.now() - started);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

import { request } from 'node:http';
import { sealWecomCallback, wecomTextXml, type SealedCallback } from '../../../src/simulator/wecom-callback.ts';
import { app, keys } from '../../support/wecom-service.ts';

/** A question of the demo knowledge base (config/kb/demo-store.csv), and a pattern its answer (and only it) matches. */
export const QUESTION = '客服几点上班';
export const ANSWER = /在线客服每天9:00～22:00在线/;

export interface LoadOptions {
  /** Distinct customers; each sends one question with a MsgId of its own. */
  customers: number;
  /** Callbacks started per second (open loop, as a platform pushes them). */
  ratePerSecond: number;
  /** The live APIs now (the load balancer's pool); asked again for every attempt. */
  targets: () => string[];
  /** Attempts per callback: WeCom retries when it gets no 200 within 5 s. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Customer id prefix, unique per scenario. */
  tag: string;
  /** Called once per wall-clock second of load with that second (0, 1, …): the scenario's fault hook. */
  onTick?: (second: number) => void | Promise<void>;
}

export interface SentMessage {
  customer: string;
  msgId: string;
  acked: boolean;
  attempts: number;
  /** Latency of the attempt that was answered 200. */
  ackMs?: number;
  /** When (Date.now()) that 200 arrived. */
  ackedAt?: number;
  statuses: Array<number | string>;
}

/** One POST on its own connection (as each platform retry is), with WeCom's 5 s patience. */
export function postOnce(baseUrl: string, path: string, cb: SealedCallback, timeoutMs = 5000): Promise<number | string> {
  return new Promise((resolve) => {
    const url = new URL(`${baseUrl}${path}?${cb.query}`);
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(cb.body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve('reset'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    req.end(cb.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pushes `customers` callbacks at a fixed rate, round-robin over the live APIs. A connection
 * error, time-out or 5xx is retried (on the next API, after `retryDelayMs`) up to `maxAttempts`,
 * with the same sealed body, as WeCom retries; a 4xx is final. Bounded in count and time.
 */
export async function pushLoad(options: LoadOptions): Promise<SentMessage[]> {
  const maxAttempts = options.maxAttempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const results: SentMessage[] = [];
  let rr = 0;
  const one = async (i: number): Promise<void> => {
    const customer = `${options.tag}-c${i}`;
    const msgId = `${Date.now()}${String(i).padStart(7, '0')}`;
    const cb = sealWecomCallback(
      keys,
      app.agentId,
      wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: customer, text: QUESTION, msgId }),
    );
    const sent: SentMessage = { customer, msgId, acked: false, attempts: 0, statuses: [] };
    results.push(sent);
    while (sent.attempts < maxAttempts) {
      sent.attempts++;
      const targets = options.targets();
      if (targets.length === 0) {
        sent.statuses.push('no_api');
      } else {
        const started = performance.now();
        const status = await postOnce(targets[rr++ % targets.length]!, '/callbacks/wecom/default', cb);
        sent.statuses.push(status);
        if (status === 200) {
          sent.acked = true;
          sent.ackMs = performance.now() - started;
          sent.ackedAt = Date.now();
          return;
        }
        if (typeof status === 'number' && status < 500) return;
      }
      await sleep(retryDelayMs);
    }
  };
  const inFlight: Promise<void>[] = [];
  const startedAt = performance.now();
  let lastTick = -1;
  for (let i = 0; i < options.customers; i++) {
    const due = startedAt + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const second = Math.floor((performance.now() - startedAt) / 1000);
    // Seconds the loop slept through are still announced, in order, so no fault is skipped.
    while (lastTick < second) await options.onTick?.(++lastTick);
    inFlight.push(one(i));
  }
  await Promise.all(inFlight);
  return results;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { app, keys } from '../support/wecom-service.ts';
import { Cluster } from './support/cluster.ts';
import { percentile } from './support/load.ts';
import { record } from './support/verdict.ts';

const TOTAL = Number(process.env.FAULT_HOSTILE ?? 10_000);
const CONCURRENCY = 32;
const PATH = '/callbacks/wecom/default';

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><xml><ToUserName>&lol9;</ToUserName><Encrypt>&lol9;</Encrypt></xml>`;
const HUGE = Buffer.alloc(1024 * 1024, 'a');
const otherKeys = { token: 'not-our-token', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', receiveId: app.corpId };
const validInner = () =>
  wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'mallory', text: '营业时间', msgId: String(Date.now()) });

interface Hostile {
  kind: string;
  query: string;
  body: Buffer | string;
  path?: string;
  /** Send without Content-Length (chunked), so the size cap must hold while streaming. */
  chunked?: boolean;
}

function mutate(s: string): string {
  const chars = [...s];
  for (let n = 0; n < 1 + Math.floor(Math.random() * 8); n++)
    chars[Math.floor(Math.random() * chars.length)] = String.fromCharCode(Math.floor(Math.random() * 0x3000));
  return chars.join('');
}

/** Thirteen kinds of bad callback, taken in turn. None may be stored or answered 2xx/5xx. */
const makers: Array<() => Hostile> = [
  () => ({
    kind: 'random bytes',
    query: sealWecomCallback(keys, app.agentId, validInner()).query,
    body: randomBytes(64 + Math.floor(Math.random() * 2000)),
  }),
  () => {
    // Mutations outside the signed Encrypt field alone would leave a valid callback: always hit it too.
    const cb = sealWecomCallback(keys, app.agentId, validInner());
    const at = cb.body.indexOf('<Encrypt><![CDATA[') + 18 + Math.floor(Math.random() * 40);
    const swapped = cb.body[at] === 'A' ? 'B' : 'A';
    return { kind: 'mutated body', query: cb.query, body: mutate(cb.body.slice(0, at) + swapped + cb.body.slice(at + 1)) };
  },
  () => ({ kind: 'huge body (1 MiB, Content-Length)', query: sealWecomCallback(keys, app.agentId, validInner()).query, body: HUGE }),
  () => ({
    kind: 'huge body (1 MiB, chunked)',
    query: sealWecomCallback(keys, app.agentId, validInner()).query,
    body: HUGE,
    chunked: true,
  }),
  () => {
    const cb = sealWecomCallback({ ...keys, token: otherKeys.token }, app.agentId, validInner());
    return { kind: 'signed with another token', query: cb.query, body: cb.body };
  },
  () => {
    // Signed with our token, encrypted with another key: the signature holds, decryption does not.
    const cb = sealWecomCallback({ ...keys, encodingAesKey: otherKeys.encodingAesKey }, app.agentId, validInner());
    return { kind: 'encrypted with another key', query: cb.query, body: cb.body };
  },
  () => {
    const cb = sealWecomCallback({ ...keys, receiveId: 'wwforeigncorp000001' }, app.agentId, validInner());
    return { kind: 'foreign receiveid', query: cb.query, body: cb.body };
  },
  () => ({ kind: 'entity expansion (outer)', query: sealWecomCallback(keys, app.agentId, validInner()).query, body: BILLION_LAUGHS }),
  () => {
    const cb = sealWecomCallback(keys, app.agentId, BILLION_LAUGHS);
    return { kind: 'entity expansion (inside the ciphertext)', query: cb.query, body: cb.body };
  },
  () => {
    const cb = sealWecomCallback(keys, app.agentId, validInner(), String(Math.floor(Date.now() / 1000) - 3600));
    return { kind: 'stale timestamp', query: cb.query, body: cb.body };
  },
  () => ({ kind: 'no signature', query: 'timestamp=1&nonce=2', body: sealWecomCallback(keys, app.agentId, validInner()).body }),
  () => {
    const cb = sealWecomCallback(keys, app.agentId, mutate('<xml><MsgType>text</MsgType></xml>'));
    return { kind: 'valid crypto, garbage inside', query: cb.query, body: cb.body };
  },
  () => {
    const cb = sealWecomCallback(keys, app.agentId, validInner());
    return { kind: 'unknown account', query: cb.query, body: cb.body, path: '/callbacks/wecom/nosuchapp' };
  },
];

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

test('10,000 malformed and hostile callbacks: every one a 4xx, nothing stored, no crash, no memory growth', async (t) => {
  const cluster = await new Cluster({ apis: 1, workers: 0 }).start();
  t.teardown(() => cluster.close());
  const api = cluster.apis[0]!;
  const base = cluster.apiUrls()[0]!;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  t.teardown(() => agent.destroy());
  const statusByKind = new Map<string, Map<number | string, number>>();
  const latencies: number[] = [];

  const fire = (h: Hostile) =>
    new Promise<number | string>((resolve) => {
      const started = performance.now();
      const headers: Record<string, string | number> = { 'content-type': 'text/xml' };
      if (!h.chunked) headers['content-length'] = Buffer.byteLength(h.body);
      const req = request(`${base}${h.path ?? PATH}?${h.query}`, { method: 'POST', agent, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          resolve(res.statusCode ?? 0);
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      // The server may answer 413 and close before it read the whole body: that is a refusal too.
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
      req.end(h.body);
    });

  const run = async (count: number, tally: boolean) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const h = makers[next++ % makers.length]!();
          const status = await fire(h);
          if (!tally) continue;
          const byStatus = statusByKind.get(h.kind) ?? new Map();
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          statusByKind.set(h.kind, byStatus);
        }
      }),
    );
  };

  await run(1000, false); // warm-up: JIT, pools and caches reach their working size
  await new Promise((r) => setTimeout(r, 1000));
  const rssBefore = rssMb(api.child.pid!);
  await run(TOTAL, true);
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = rssMb(api.child.pid!);

  const summary = Object.fromEntries([...statusByKind].map(([kind, m]) => [kind, Object.fromEntries(m)]));
  t.log(summary);
  t.log(`api RSS ${rssBefore} MB before, ${rssAfter} MB after ${TOTAL} hostile callbacks`);
  let total = 0;
  for (const [kind, m] of statusByKind) {
    for (const [status, n] of m) {
      total += n;
      // A connection reset is acceptable only for a huge body the server refused before reading it.
      const refused =
        typeof status === 'number'
          ? status >= 400 && status < 500
          : (kind.startsWith('huge') && status === 'EPIPE') || status === 'ECONNRESET';
      t.true(refused, `${kind}: ${n} answered ${status}`);
    }
  }
  t.is(total, TOTAL);
  t.is(api.child.exitCode, null, 'the api process is still running');
  t.is((await fetch(`${base}/healthz`)).status, 200);
  const { stored } = await cluster.inboundCounts();
  t.is(stored, 0, 'nothing was stored');
  t.true(rssAfter - rssBefore < 64, `RSS grew ${rssAfter - rssBefore} MB`);
  record({
    scenario: `${TOTAL} hostile callbacks`,
    sent: TOTAL,
    acked: 0,
    answered: 0,
    duplicates: 0,
    lost: 0,
    answeredUnacked: 0,
    wrong: 0,
    p99AckMs: Math.round(percentile(latencies, 99)),
    p99ReplyS: 0,
    note: `all 4xx, 0 stored; api RSS ${rssBefore} → ${rssAfter} MB (p99 is of the 4xx answer)`,
  });
});

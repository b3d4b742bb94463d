import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { eventually, type Harness, startHarness } from '../../support/wecom-service.ts';
import { nextClientAddress, type OpenStream, WebVisitor } from '../../support/web-visitor.ts';

// A widget account with small budgets, from CONFIG_FILE, and a process that holds 4 streams at most.
let h: Harness;
test.before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-web-budgets-')), 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      web: [
        {
          name: 'frugal',
          publicId: 'frugal',
          ipSessionsPerHour: 3,
          visitorStreams: 2,
          maxUploadBytes: 1000,
          visitorUploadBytes: 1500,
          accountUploadBytes: 2500,
        },
      ],
    }),
  );
  h = await startHarness({ database: 'postgres', brain: new ScriptedBrain(), env: { CONFIG_FILE: file, WEB_CHAT_MAX_STREAMS: '4' } });
});
test.after.always(() => h?.close());

const json = async (res: Response) => (await res.json()) as { error: string; message: string; retryAfterSeconds?: number };
const metrics = async () => (await fetch(`${h.baseUrl}/metrics`)).text();

/** A visitor of the frugal widget at a given client address. */
function visitorAt(address: string): WebVisitor {
  const visitor = new WebVisitor(h.baseUrl, 'frugal');
  Object.defineProperty(visitor, 'address', { value: address });
  return visitor;
}

test('an address that starts more new anonymous sessions than its hourly budget gets 429 too_many_sessions; renewals and other addresses go on', async (t) => {
  const address = nextClientAddress();
  const visitors = [1, 2, 3, 4].map(() => visitorAt(address));
  const statuses = [];
  for (const v of visitors) statuses.push((await v.startSession()).status);
  t.deepEqual(statuses, [200, 200, 200, 429]);
  const refused = await visitorAt(address).startSession();
  t.is(refused.status, 429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  t.true(retryAfter >= 1 && retryAfter <= 3600);
  const body = await json(refused);
  t.is(body.error, 'too_many_sessions');
  t.is(body.retryAfterSeconds, retryAfter);

  t.is((await visitors[0]!.startSession()).status, 200, 'a visitor renewing their token starts no new session');
  t.is((await visitorAt(nextClientAddress()).startSession()).status, 200, 'another address has its own budget');
  t.regex(await metrics(), /kefu_web_budget_exhausted_total\{account="frugal",budget="session_mints_per_ip"\} 2/);
  t.regex(await metrics(), /kefu_web_budget_spent_total\{account="frugal",budget="session_mints"\} \d+/);
});

test.serial(
  'a visitor gets at most their share of live streams, the process at most its total; a closed stream frees its slot',
  async (t) => {
    const first = new WebVisitor(h.baseUrl, 'frugal');
    await first.startSession();
    const open: OpenStream[] = [];
    t.teardown(() => {
      for (const s of open) s.close();
    });
    open.push(await first.stream(), await first.stream());

    const third = await fetch(`${first.api}/stream?ticket=${await first.ticketFor({ purpose: 'stream' })}`, {
      headers: { 'X-Forwarded-For': first.address },
    });
    t.is(third.status, 429);
    t.is((await json(third)).error, 'too_many_streams');
    t.truthy(third.headers.get('retry-after'));

    const second = new WebVisitor(h.baseUrl, 'frugal');
    await second.startSession();
    open.push(await second.stream(), await second.stream());
    t.regex(await metrics(), /kefu_web_streams_open 4/);
    const stranger = new WebVisitor(h.baseUrl, 'frugal');
    await stranger.startSession();
    const full = await fetch(`${stranger.api}/stream?ticket=${await stranger.ticketFor({ purpose: 'stream' })}`, {
      headers: { 'X-Forwarded-For': stranger.address },
    });
    t.is(full.status, 429, 'the process holds its total already');
    t.is((await json(full)).error, 'too_many_streams');

    open.shift()!.close();
    const reopened = await eventually(
      async () => {
        try {
          return await first.stream();
        } catch {
          return undefined;
        }
      },
      5000,
      'the freed slot',
    );
    open.push(reopened);
    await reopened.waitFor((events) => events.some((e) => e.event === 'ready'));
    const text = await metrics();
    t.regex(text, /kefu_web_budget_exhausted_total\{account="frugal",budget="streams_per_visitor"\} 1/);
    t.regex(text, /kefu_web_budget_exhausted_total\{account="frugal",budget="streams_per_process"\} 1/);
    t.regex(text, /kefu_web_budget_limit\{account="frugal",budget="streams_per_process"\} 4/);
  },
);

test.serial('uploads stop at the visitor’s stored-bytes budget and then at the account’s, with 413 and a code saying which', async (t) => {
  const one = new WebVisitor(h.baseUrl, 'frugal');
  await one.startSession();
  t.is((await one.upload(Buffer.alloc(800, 1), 'a.bin')).status, 202);
  const over = await one.upload(Buffer.alloc(800, 2), 'b.bin');
  t.is(over.status, 413);
  t.is((await json(over)).error, 'visitor_upload_quota_spent');
  t.is((await one.upload(Buffer.alloc(700, 3), 'c.bin')).status, 202, 'what is left of the budget still fits');

  // 1500 of the account's 2500 bytes are used: another visitor has 1000 left between them all.
  const two = new WebVisitor(h.baseUrl, 'frugal');
  await two.startSession();
  t.is((await two.upload(Buffer.alloc(900, 4), 'd.bin')).status, 202);
  const full = await two.upload(Buffer.alloc(200, 5), 'e.bin');
  t.is(full.status, 413);
  t.is((await json(full)).error, 'account_upload_quota_spent');

  const text = await metrics();
  t.regex(text, /kefu_web_budget_exhausted_total\{account="frugal",budget="upload_bytes_per_visitor"\} 1/);
  t.regex(text, /kefu_web_budget_exhausted_total\{account="frugal",budget="upload_bytes_per_account"\} 1/);
  t.regex(text, /kefu_web_budget_spent_total\{account="frugal",budget="upload_bytes"\} 2400/);
});

import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { revokeVisitorSessions } from '../../../src/customers/session-revocations.ts';
import { channelAccounts } from '../../../src/db/schema.ts';
import { runWebSessionsCli } from '../../support/kb-cli.ts';
import { startHarness, type Harness } from '../../support/wecom-service.ts';
import { signUserId, WebVisitor } from '../../support/web-visitor.ts';

const SECRET = 'revocation-web-chat-secret-0123456789abcd';
let h: Harness;
test.before(async () => {
  // Streams end every 2 s (± 20 %) here, so the test sees a revoked visitor's open stream end.
  h = await startHarness({ database: 'postgres', env: { WEB_CHAT_SECRET: SECRET, WEB_CHAT_STREAM_MAX_S: '2' } });
});
test.after.always(() => h?.close());

const error = async (res: Response) => ((await res.json()) as { error: string }).error;

async function revoke(visitorId: string): Promise<void> {
  const [account] = await h.service.db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'web'), eq(channelAccounts.name, 'default')));
  await revokeVisitorSessions(h.service.db, { channelAccountId: account!.id, externalId: visitorId });
}

test('a revoked session gets 401 on every route, renewal and tickets included, while other visitors go on', async (t) => {
  const deleted = new WebVisitor(h.baseUrl);
  await deleted.startSession(signUserId(SECRET, 'deleted-user'));
  const bystander = new WebVisitor(h.baseUrl);
  await bystander.startSession(signUserId(SECRET, 'bystander'));
  const ticketBefore = await deleted.ticketFor({ purpose: 'stream' });

  await revoke(deleted.visitorId);

  const history = await fetch(`${deleted.api}/history`, { headers: deleted.headers() });
  t.is(history.status, 401);
  t.is(await error(history), 'token_revoked');
  t.is((await deleted.send('还在吗')).status, 401);
  t.is((await deleted.ticket({ purpose: 'stream' })).status, 401, 'no new ticket');
  const stream = await fetch(`${deleted.api}/stream?ticket=${ticketBefore}`, { headers: { 'X-Forwarded-For': deleted.address } });
  t.is(stream.status, 401, 'a ticket issued before the revocation no longer opens the stream');
  const renewal = await deleted.startSession();
  t.is(renewal.status, 401, 'the revoked token cannot be renewed');
  t.is(await error(renewal), 'token_revoked');

  t.is((await fetch(`${bystander.api}/history`, { headers: bystander.headers() })).status, 200, 'another visitor is untouched');
});

test('an anonymous visitor’s sessions can be revoked too', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await revoke(visitor.visitorId);
  const res = await fetch(`${visitor.api}/history`, { headers: visitor.headers() });
  t.is(res.status, 401);
  t.is(await error(res), 'token_revoked');
});

test('an operator ends a signed-in customer’s sessions with npm run web-sessions, by the company’s user id', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession(signUserId(SECRET, 'left-the-company'));
  const run = await runWebSessionsCli(['revoke', '--account', 'default', '--user', 'left-the-company'], h.env);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /revoked every session of u:left-the-company/);
  const res = await fetch(`${visitor.api}/history`, { headers: visitor.headers() });
  t.is(res.status, 401);
  t.is(await error(res), 'token_revoked');

  const unknown = await runWebSessionsCli(['revoke', '--account', 'no-such-widget', '--user', 'x'], h.env);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /no widget account "no-such-widget"/);
});

test('an open stream ends within WEB_CHAT_STREAM_MAX_S, and a revoked visitor cannot open another', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession(signUserId(SECRET, 'streaming-when-revoked'));
  const stream = await visitor.stream();
  t.teardown(() => stream.close());
  await revoke(visitor.visitorId);
  const ended = await Promise.race([stream.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
  t.true(ended, 'the server ended the open stream');
  t.is((await visitor.ticket({ purpose: 'stream' })).status, 401, 'and no ticket opens a new one');
});

import { randomBytes } from 'node:crypto';
import test from 'ava';
import { sql } from 'drizzle-orm';
import { type Service, startService } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { queryRows } from '../../src/db/rows.ts';
import { postCallback, sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { callJson, type SignedIn, signedInStaff } from '../support/console-api.ts';
import { runSecretsCli } from '../support/kb-cli.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { app, eventually, type Harness, nextMsgId, startHarness } from '../support/wecom-service.ts';

const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');

interface Overview {
  channel: string;
  name: string;
  source: string;
  callbackUrl: string | null;
  secrets: Record<string, string>;
  settings: Record<string, unknown>;
  lastInboundAt: string | null;
  sent24h: number;
  failed24h: number;
  failures24h: Array<{ code: string; count: number; meaning: string | null; fix: string | null }>;
}

const tableRows = (harness: Harness, statement: string) => queryRows<Record<string, unknown>>(harness.service.db, sql.raw(statement));

async function adminOf(harness: Harness): Promise<SignedIn> {
  return signedInStaff(harness.baseUrl, harness.service.db, `admin-${randomBytes(3).toString('hex')}@example.com`, 'admin');
}

/** A second process of the same deployment, started now: it reads the accounts as they are stored. */
async function startAnother(harness: Harness, env: Record<string, string>): Promise<Service> {
  return startService(loadConfig({ ...harness.env, ...env }), 'all', { brain: new ScriptedBrain() });
}

/** The sales app of the same corp as the harness's default one, so the fake WeCom accepts its sends. */
const salesApp = (harness: Harness) => ({
  name: 'sales',
  corpId: app.corpId,
  agentId: app.agentId,
  secret: app.secret,
  apiBase: harness.env.WECOM_API_BASE,
});

async function sendToSales(baseUrl: string, generated: Record<string, string>, from: string, text: string) {
  const keys = { token: generated.token!, encodingAesKey: generated.encodingAesKey!, receiveId: app.corpId };
  return postCallback(
    baseUrl,
    '/callbacks/wecom/sales',
    sealWecomCallback(keys, app.agentId, wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from, text, msgId: nextMsgId() })),
  );
}

test('an admin adds a WeCom app: its Token and EncodingAESKey are generated, shown once, stored encrypted, masked after, and the running service answers its callbacks without a restart', async (t) => {
  const logs = captureLogs('debug');
  const harness = await startHarness({
    database: 'postgres',
    brain: new ScriptedBrain(),
    env: { SECRETS_KEY: OLD_KEY },
    logger: logs.logger,
  });
  t.teardown(harness.close);
  const admin = await adminOf(harness);

  const added = await callJson<{ name: string; generated: Record<string, string> }>(
    harness.baseUrl,
    admin,
    'POST',
    '/api/channels/wecom/accounts',
    salesApp(harness),
  );
  t.is(added.status, 201, JSON.stringify(added.body));
  const { generated } = added.body;
  t.regex(generated.token!, /^[A-Za-z0-9]{32}$/);
  t.regex(generated.encodingAesKey!, /^[A-Za-z0-9]{43}$/);
  const again = await callJson(harness.baseUrl, admin, 'POST', '/api/channels/wecom/accounts', salesApp(harness));
  t.is(again.status, 409);

  const listed = await callJson<{ accounts: Overview[] }>(harness.baseUrl, admin, 'GET', '/api/channels');
  t.is(listed.status, 200);
  const sales = listed.body.accounts.find((a) => a.channel === 'wecom' && a.name === 'sales')!;
  t.is(sales.source, 'console');
  t.is(sales.callbackUrl, `${harness.baseUrl}/callbacks/wecom/sales`);
  t.deepEqual(sales.secrets, {
    secret: `••••${app.secret.slice(-4)}`,
    token: `••••${generated.token!.slice(-4)}`,
    encodingAesKey: `••••${generated.encodingAesKey!.slice(-4)}`,
  });
  t.is(sales.settings.corpId, app.corpId);
  t.is(listed.body.accounts.find((a) => a.name === 'default' && a.channel === 'wecom')?.source, 'config');
  const plaintexts = [app.secret, generated.token!, generated.encodingAesKey!];
  for (const value of plaintexts) t.false(JSON.stringify(listed.body).includes(value), 'no secret in the answer');

  const rows = await tableRows(harness, 'select * from stored_channel_accounts');
  t.is(rows.length, 1);
  const audit = await tableRows(harness, "select action, details from audit_log where object_type = 'channel_account'");
  t.deepEqual(
    audit.map((r) => r.action),
    ['channel_account.create'],
  );
  for (const value of plaintexts) {
    t.false(JSON.stringify(rows).includes(value), 'the row holds only ciphertext');
    t.false(JSON.stringify(audit).includes(value), 'the audit entry names no secret');
  }

  // The running process took the account without a restart: its callbacks are answered, and replied to.
  const answer = await eventually(
    async () => {
      const response = await sendToSales(harness.baseUrl, generated, 'lisi', '你好');
      return response.status === 200 && response;
    },
    10_000,
    'the new account served',
  );
  t.is(answer.status, 200);
  t.deepEqual(
    await eventually(async () => harness.wecom.deliveredTo('lisi').length > 0 && harness.wecom.deliveredTo('lisi'), 30_000, 'the reply'),
    ['答：你好'],
  );
  const forged = await sendToSales(harness.baseUrl, { token: 'x'.repeat(32), encodingAesKey: generated.encodingAesKey! }, 'lisi', '伪造');
  t.true(forged.status >= 400, 'a callback signed with another Token is refused');

  const regenerated = await callJson<{ generated: Record<string, string> }>(
    harness.baseUrl,
    admin,
    'POST',
    '/api/channels/wecom/accounts/sales/keys',
  );
  t.is(regenerated.status, 200);
  t.not(regenerated.body.generated.token, generated.token);
  t.regex(regenerated.body.generated.encodingAesKey!, /^[A-Za-z0-9]{43}$/);
  await eventually(
    async () => (await sendToSales(harness.baseUrl, generated, 'lisi', '旧密钥')).status >= 400,
    10_000,
    'the old keys refused',
  );
  t.is((await sendToSales(harness.baseUrl, regenerated.body.generated, 'lisi', '新密钥')).status, 200, 'the new keys work at once');
  const configured = await callJson(harness.baseUrl, admin, 'POST', '/api/channels/wecom/accounts/default/keys');
  t.is(configured.status, 404, 'accounts of the environment are changed there');
  const logged = logs.raw();
  t.true(logged.length > 0);
  for (const value of [...plaintexts, ...Object.values(regenerated.body.generated), OLD_KEY])
    t.false(logged.includes(value), 'no secret in the logs');
});

test('the 渠道 page counts the last 24 hours of sends and failures by errcode, each with its fix, and the last inbound message', async (t) => {
  const harness = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(harness.close);
  const admin = await adminOf(harness);
  harness.wecom.failNext(1, { errcode: 60020, errmsg: 'not allow to access from your ip' });
  t.is((await harness.sendText('zhangsan', '第一条')).status, 200);
  await eventually(
    async () => (await tableRows(harness, "select 1 from deliveries where status = 'failed'")).length > 0,
    15_000,
    'the failed delivery',
  );
  t.is((await harness.sendText('wangwu', '第二条')).status, 200);
  await eventually(async () => harness.wecom.deliveredTo('wangwu').length > 0, 30_000, 'the sent reply');

  const listed = await callJson<{ accounts: Overview[] }>(harness.baseUrl, admin, 'GET', '/api/channels');
  const wecom = listed.body.accounts.find((a) => a.channel === 'wecom' && a.name === 'default')!;
  t.is(wecom.sent24h, 1);
  t.is(wecom.failed24h, 1);
  t.is(wecom.failures24h.length, 1);
  t.like(wecom.failures24h[0], { code: 'wecom:60020', count: 1 });
  t.regex(wecom.failures24h[0]!.fix!, /企业可信IP/);
  t.regex(wecom.failures24h[0]!.meaning!, /trusted IP/);
  t.truthy(wecom.lastInboundAt);
  t.true(Date.now() - Date.parse(wecom.lastInboundAt!) < 60_000);
  const web = listed.body.accounts.find((a) => a.channel === 'web')!;
  t.is(web.callbackUrl, null);
  t.is(web.lastInboundAt, null);
  t.is(web.sent24h, 0);
});

test('rotating SECRETS_KEY re-wraps every data key; without the key accounts cannot be added, and a process refuses to start in one line', async (t) => {
  const harness = await startHarness({ database: 'postgres', brain: new ScriptedBrain(), env: { SECRETS_KEY: OLD_KEY } });
  t.teardown(harness.close);
  const admin = await adminOf(harness);
  const added = await callJson<{ generated: Record<string, string> }>(
    harness.baseUrl,
    admin,
    'POST',
    '/api/channels/wecom/accounts',
    salesApp(harness),
  );
  t.is(added.status, 201);

  const rotated = await runSecretsCli(['rotate'], {
    DATABASE_URL: harness.env.DATABASE_URL!,
    SECRETS_KEY: NEW_KEY,
    SECRETS_KEY_PREVIOUS: OLD_KEY,
    LOG_LEVEL: 'silent',
  });
  t.is(rotated.code, 0, rotated.stderr);
  t.regex(rotated.stdout, /1 account\(s\) re-wrapped with key [0-9a-f]{16}, 0 already were/);
  const rerun = await runSecretsCli(['rotate'], {
    DATABASE_URL: harness.env.DATABASE_URL!,
    SECRETS_KEY: NEW_KEY,
    SECRETS_KEY_PREVIOUS: OLD_KEY,
    LOG_LEVEL: 'silent',
  });
  t.regex(rerun.stdout, /0 account\(s\) re-wrapped .*, 1 already were/);

  const withNewKey = await startAnother(harness, { SECRETS_KEY: NEW_KEY });
  t.teardown(() => withNewKey.stop());
  const answer = await sendToSales(`http://127.0.0.1:${withNewKey.port}`, added.body.generated, 'zhaoliu', '轮换后');
  t.is(answer.status, 200);

  const withOldKey = await t.throwsAsync(startAnother(harness, { SECRETS_KEY: OLD_KEY }));
  t.regex(
    withOldKey!.message,
    /^the secrets of channel_account\/wecom\/sales were sealed with key [0-9a-f]{16}, which is neither SECRETS_KEY/,
  );
  t.false(withOldKey!.message.includes('\n'));
  const withoutKey = await t.throwsAsync(startAnother(harness, { SECRETS_KEY: '' }));
  t.regex(withoutKey!.message, /^SECRETS_KEY: required, 1 channel account\(s\) added in the console/);

  const noKeyHarness = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(noKeyHarness.close);
  const noKeyAdmin = await adminOf(noKeyHarness);
  const refused = await callJson<{ error: string; message: string }>(
    noKeyHarness.baseUrl,
    noKeyAdmin,
    'POST',
    '/api/channels/wecom/accounts',
    salesApp(noKeyHarness),
  );
  t.is(refused.status, 409);
  t.is(refused.body.error, 'secrets_key_missing');
  t.regex(refused.body.message, /SECRETS_KEY/);
});

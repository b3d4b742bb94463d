import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import test from 'ava';
import { startService } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { queryRows } from '../../src/db/rows.ts';
import { botSettings } from '../../src/db/schema.ts';
import { secretsKeyring } from '../../src/secrets/secrets-keyring.ts';
import { documentWithApiKey } from '../../src/settings/model-api-key.ts';
import { FakeOpenAiApi } from '../../src/simulator/fake-openai-api.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { callJson, signedInStaff } from '../support/console-api.ts';
import { runSecretsCli } from '../support/kb-cli.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

interface ModelSection {
  version: number;
  document: { baseUrl?: string; model?: string; temperature: number; recentTokens: number; summaryTokens: number };
  apiKey: { masked: string | null; from: 'console' | 'environment' | null };
}

const ENV_KEY = 'sk-env-key-0000000000001234';
const CONSOLE_KEY = 'sk-console-key-9999999999abcd';
const LEGACY_KEY = 'sk-legacy-plain-key-77777777';
const OLD_SECRETS_KEY = randomBytes(32).toString('base64');
const NEW_SECRETS_KEY = randomBytes(32).toString('base64');

/**
 * The model is chosen in the console: the API key is write-only (masked in every answer, in the
 * audit log and never in a log line), 测试连接 reports what the endpoint says (OpenAI's 401
 * invalid_api_key from the loopback fake), and the running worker calls the newly saved endpoint
 * with its key and temperature from the next message on, without a restart. At rest the key is
 * sealed with SECRETS_KEY like the channel accounts' secrets, and `npm run secrets -- rotate`
 * re-wraps it (and seals a key saved in plain text before keys were sealed).
 */
test('an admin tests and switches the model endpoint; the worker follows at once; the key is sealed at rest, rotated with SECRETS_KEY and never shows', async (t) => {
  const before = new FakeOpenAiApi();
  const after = new FakeOpenAiApi();
  after.requiredApiKey = CONSOLE_KEY;
  await Promise.all([before.listen(), after.listen()]);
  const logs = captureLogs('debug');
  const harness = await startHarness({
    database: 'postgres',
    logger: logs.logger,
    env: { LLM_BASE_URL: before.baseUrl, LLM_MODEL: 'model-before', LLM_API_KEY: ENV_KEY, SECRETS_KEY: OLD_SECRETS_KEY },
  });
  t.teardown(async () => {
    await harness.close();
    await before.close();
    await after.close();
  });
  const admin = await signedInStaff(harness.baseUrl, harness.service.db, 'admin@example.com', 'admin');
  const get = () => callJson<ModelSection>(harness.baseUrl, admin, 'GET', '/api/settings/model');

  const initial = await get();
  t.is(initial.status, 200);
  t.like(initial.body, {
    version: 0,
    document: { baseUrl: before.baseUrl, model: 'model-before', temperature: 0.2, recentTokens: 600, summaryTokens: 300 },
    apiKey: { masked: '••••1234', from: 'environment' },
  });
  t.false(JSON.stringify(initial.body).includes(ENV_KEY));

  const test_ = (body: object) =>
    callJson<{ ok: boolean; status?: number; code?: string; message?: string }>(
      harness.baseUrl,
      admin,
      'POST',
      '/api/settings/model/test',
      body,
    );
  const wrongKey = await test_({ baseUrl: after.baseUrl, model: 'model-after' });
  t.like(wrongKey.body, { ok: false, status: 401, code: 'invalid_api_key' }, 'the key in force (LLM_API_KEY) is not this endpoint’s');
  t.false(JSON.stringify(wrongKey.body).includes(ENV_KEY));
  t.like((await test_({ baseUrl: after.baseUrl, model: 'model-after', apiKey: CONSOLE_KEY })).body, { ok: true });
  const unreachable = await test_({ baseUrl: 'http://127.0.0.1:9/v1', model: 'model-after', apiKey: CONSOLE_KEY });
  t.false(unreachable.body.ok, 'nothing listens on the discard port');
  t.is(after.chatRequests.length, 1, 'the good test sent one request');

  const saved = await callJson<ModelSection>(harness.baseUrl, admin, 'PUT', '/api/settings/model', {
    baseVersion: 0,
    document: { ...initial.body.document, baseUrl: after.baseUrl, model: 'model-after', temperature: 0.7 },
    apiKey: CONSOLE_KEY,
  });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.like(saved.body, { version: 1, document: { model: 'model-after' }, apiKey: { masked: '••••abcd', from: 'console' } });

  // At rest the key is sealed with SECRETS_KEY (src/settings/model-api-key.ts): not in the row, in plain text or otherwise.
  const db = harness.service.db;
  const oldKeyId = secretsKeyring({ SECRETS_KEY: OLD_SECRETS_KEY })!.current.id;
  const atRest = () =>
    queryRows<{ version: number; keyId: string | null; row: string }>(
      db,
      sql`select version, key_id as "keyId", row_to_json(b)::text as row from bot_settings b where section = 'model' order by version`,
    );
  t.like((await atRest())[0], { version: 1, keyId: oldKeyId });
  t.false(JSON.stringify(await atRest()).includes(CONSOLE_KEY), 'the key is in no column of bot_settings');

  // The worker's next turn goes to the saved endpoint with the saved key (the fake refuses any other) and temperature.
  // The worker builds the new model brain after the save is announced; a turn before that is answered by the old one.
  await eventually(
    async () => logs.lines.some((l) => l.msg === 'brain follows the model settings saved in the console' && l.mode === 'model model-after'),
    30_000,
    'the worker to follow the saved model',
  );
  const previousCalls = before.chatRequests.length;
  await harness.sendText('zhangsan', '你们的营业时间是几点到几点？');
  const call = await eventually(
    async () => after.chatRequests.find((r) => r.model === 'model-after' && r.temperature === 0.7),
    30_000,
    'the worker to call the saved model',
  );
  t.is(call.model, 'model-after');
  t.is(before.chatRequests.length, previousCalls, 'the endpoint of LLM_BASE_URL is called no more');

  const kept = await callJson<ModelSection>(harness.baseUrl, admin, 'PUT', '/api/settings/model', {
    baseVersion: 1,
    document: { ...saved.body.document, temperature: 0.3 },
  });
  t.like(kept.body, { version: 2, apiKey: { masked: '••••abcd', from: 'console' } }, 'a save without a key keeps the saved one');
  const removed = await callJson<ModelSection>(harness.baseUrl, admin, 'PUT', '/api/settings/model', {
    baseVersion: 2,
    document: kept.body.document,
    apiKey: null,
  });
  t.like(removed.body, { version: 3, apiKey: { masked: '••••1234', from: 'environment' } }, 'null removes it: LLM_API_KEY applies again');
  const halfSet = await callJson(harness.baseUrl, admin, 'PUT', '/api/settings/model', {
    baseVersion: 3,
    document: { ...kept.body.document, model: undefined },
  });
  t.is(halfSet.status, 400, 'a base URL without a model is refused');

  const audit = await queryRows<{ details: { before: { apiKey?: string }; after: { apiKey?: string } } }>(
    harness.service.db,
    sql`select details from audit_log where action = 'settings.change' and object_id = 'model' order by id`,
  );
  t.is(audit.length, 3);
  t.is(audit[0]!.details.after.apiKey, '••••abcd', 'the audit log tells a key changed, masked');
  t.is(audit[2]!.details.after.apiKey, undefined);
  // A careless call site: the logger's redaction is the last line of defence.
  logs.logger.warn({ apiKey: CONSOLE_KEY, model: { apiKey: CONSOLE_KEY } }, 'a careless line');
  const everything = JSON.stringify(audit) + logs.raw();
  t.false(everything.includes(CONSOLE_KEY), 'the saved key is in no audit entry and no log line');
  t.false(everything.includes(ENV_KEY));

  // A key saved in plain text before keys were sealed (as version 4), then SECRETS_KEY rotated:
  // `npm run secrets -- rotate` seals the plain key and re-wraps the sealed ones with the new key.
  await queryRows(
    db,
    sql`insert into bot_settings (section, version, document)
        select section, 4, document || ${JSON.stringify({ apiKey: LEGACY_KEY })}::jsonb from bot_settings where section = 'model' and version = 3`,
  );
  const rotate = () =>
    runSecretsCli(['rotate'], {
      DATABASE_URL: harness.env.DATABASE_URL!,
      SECRETS_KEY: NEW_SECRETS_KEY,
      SECRETS_KEY_PREVIOUS: OLD_SECRETS_KEY,
      LOG_LEVEL: 'silent',
    });
  const rotated = await rotate();
  t.is(rotated.code, 0, rotated.stderr);
  t.regex(rotated.stdout, /2 model API key\(s\) re-wrapped, 1 sealed that were in plain text/);
  t.regex((await rotate()).stdout, /0 model API key\(s\) re-wrapped, 0 sealed/, 'run again, it changes nothing');
  const newKeyId = secretsKeyring({ SECRETS_KEY: NEW_SECRETS_KEY })!.current.id;
  const rows = await atRest();
  t.deepEqual(
    rows.map((r) => [r.version, r.keyId]),
    [
      [1, newKeyId],
      [2, newKeyId],
      [3, null],
      [4, newKeyId],
    ],
  );
  t.false(JSON.stringify(rows).includes(LEGACY_KEY) || JSON.stringify(rows).includes(CONSOLE_KEY));
  const [legacy] = await db.select().from(botSettings).where(sql`section = 'model' and version = 4`);
  t.is(documentWithApiKey(legacy!, secretsKeyring({ SECRETS_KEY: NEW_SECRETS_KEY })).apiKey, LEGACY_KEY, 'the new key alone opens it');
  t.throws(() => documentWithApiKey(legacy!, secretsKeyring({ SECRETS_KEY: OLD_SECRETS_KEY })), {
    message: /sealed with key [0-9a-f]{16}, which is neither SECRETS_KEY/,
  });

  // Another plain key (version 5): a process started with SECRETS_KEY seals it before it reads it.
  await queryRows(
    db,
    sql`insert into bot_settings (section, version, document)
        select section, 5, document || ${JSON.stringify({ apiKey: LEGACY_KEY })}::jsonb from bot_settings where section = 'model' and version = 3`,
  );
  const started = await startService(loadConfig({ ...harness.env, SECRETS_KEY: NEW_SECRETS_KEY }), 'all');
  await started.stop();
  const [sealedAtStart] = (await atRest()).filter((r) => r.version === 5);
  t.is(sealedAtStart!.keyId, newKeyId);
  t.false(sealedAtStart!.row.includes(LEGACY_KEY));
});

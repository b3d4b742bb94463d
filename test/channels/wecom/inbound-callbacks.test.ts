import test from 'ava';
import { count, eq } from 'drizzle-orm';
import { getSignature } from '@wecom/crypto';
import { messages } from '../../../src/db/schema.ts';
import { sealWecomCallback, wecomTextXml } from '../../../src/simulator/wecom-callback.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { app, keys, nextMsgId, startHarness, vectors, type Harness } from '../../support/wecom-service.ts';

const textXml = (from = 'zhangsan') => wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from, text: '你好', msgId: nextMsgId() });
const storedCount = async (h: Harness) => (await h.service.db.select({ n: count() }).from(messages))[0]!.n;
const post = (h: Harness, query: string, body: string) =>
  fetch(`${h.baseUrl}/callbacks/wecom/default?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });

for (const database of DATABASE_KINDS) {
  test.serial(`${database}: hostile or broken callbacks are refused with the right status and nothing is stored`, async (t) => {
    const h = await startHarness({ database, env: { CALLBACK_MAX_BODY_BYTES: '4096' } });
    t.teardown(() => h.close());
    const good = sealWecomCallback(keys, app.agentId, textXml());
    const q = new URLSearchParams(good.query);

    const badSig = new URLSearchParams(q);
    badSig.set('msg_signature', '0'.repeat(40));
    t.is((await post(h, badSig.toString(), good.body)).status, 401, 'bad signature');

    const noSig = new URLSearchParams(q);
    noSig.delete('msg_signature');
    t.is((await post(h, noSig.toString(), good.body)).status, 400, 'missing signature');

    const ts = String(Math.floor(Date.now() / 1000));
    const garbage = Buffer.alloc(96, 9).toString('base64');
    const undecryptable = new URLSearchParams({ msg_signature: getSignature(keys.token, ts, 'n', garbage), timestamp: ts, nonce: 'n' });
    t.is((await post(h, undecryptable.toString(), `<xml><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>`)).status, 400, 'undecryptable');

    const foreign = sealWecomCallback({ ...keys, receiveId: 'wwOtherCorp' }, app.agentId, textXml());
    t.is((await post(h, foreign.query, foreign.body)).status, 403, 'foreign receiveid');

    const stale = sealWecomCallback(keys, app.agentId, textXml(), String(Math.floor(Date.now() / 1000) - 3600));
    t.is((await post(h, stale.query, stale.body)).status, 403, 'stale timestamp');

    t.is((await post(h, good.query, good.body.padEnd(5000, ' '))).status, 413, 'oversized body');

    t.is((await post(h, good.query, '<xml><Encrypt>unterminated')).status, 400, 'malformed outer XML');
    const entity = '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><xml><Encrypt>&a;</Encrypt></xml>';
    t.is((await post(h, good.query, entity)).status, 400, 'DTD / entity expansion');

    const badInner = sealWecomCallback(keys, app.agentId, '<xml><FromUserName>x</FromUserName>');
    t.is((await post(h, badInner.query, badInner.body)).status, 400, 'malformed inner XML');

    const unknownAccount = await fetch(`${h.baseUrl}/callbacks/wecom/nope?${good.query}`, { method: 'POST', body: good.body });
    t.is(unknownAccount.status, 404, 'unknown account');

    t.is(await storedCount(h), 0);

    // The same callback, intact, is accepted: the refusals above were about what was wrong.
    const ok = await post(h, good.query, good.body);
    t.is(ok.status, 200);
    t.is(await ok.text(), '');
    t.is(await storedCount(h), 1);
  });
}

test.serial('GET URL verification answers the decrypted echostr of the official vector', async (t) => {
  const h = await startHarness({ database: 'pglite', env: { CALLBACK_REPLAY_WINDOW_S: String(20 * 365 * 24 * 3600) } });
  t.teardown(() => h.close());
  const v = vectors.urlVerification;
  const query = new URLSearchParams({ msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr });
  const res = await fetch(`${h.baseUrl}/callbacks/wecom/default?${query}`);
  t.is(res.status, 200);
  t.is(await res.text(), v.expectedResponse);

  query.set('nonce', 'other');
  t.is((await fetch(`${h.baseUrl}/callbacks/wecom/default?${query}`)).status, 401);
});

test.serial('the official message vector is accepted when the replay window allows 2014', async (t) => {
  const h = await startHarness({ database: 'pglite', env: { CALLBACK_REPLAY_WINDOW_S: String(20 * 365 * 24 * 3600) } });
  t.teardown(() => h.close());
  const v = vectors.message;
  const query = new URLSearchParams({ msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce });
  const res = await post(
    h,
    query.toString(),
    `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><Encrypt><![CDATA[${v.encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`,
  );
  t.is(res.status, 200);
  const [stored] = await h.service.db.select().from(messages);
  t.is(stored?.text, 'hello');
  t.is(stored?.platformMessageId, '4561255354251345929');
});

for (const database of DATABASE_KINDS) {
  test.serial(`${database}: a signed callback with a NUL in its text and sender is acked, stored with U+FFFD and answered`, async (t) => {
    const h = await startHarness({ database, brain: new ScriptedBrain() });
    t.teardown(() => h.close());
    const res = await h.sendText('zhang\u0000san', '退\u0000款');
    t.is(res.status, 200, 'not a 503 that WeCom would retry');
    const [reply] = await h.wecom.waitForDelivered(1);
    t.deepEqual([reply!.touser, reply!.content], ['zhang\ufffdsan', '答：退\ufffd款']);
    const [stored] = await h.service.db.select({ text: messages.text }).from(messages).where(eq(messages.direction, 'in'));
    t.is(stored!.text, '退\ufffd款');
  });
}

import test from 'ava';
import { parseWxMessage } from '../../src/channels/shared/wx-message.ts';
import { parseWxXml } from '../../src/channels/shared/wx-xml.ts';
import { recordInbound } from '../../src/conversations/record-inbound.ts';
import { channelAccounts } from '../../src/db/schema.ts';
import { wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { app, nextMsgId, startHarness } from '../support/wecom-service.ts';

test('a platform retry of a message stored but never queued (the first attempt died after its commit) is answered at once, not after the recovery sweep', async (t) => {
  const h = await startHarness({ database: 'pglite' });
  t.teardown(() => h.close());
  const msgId = nextMsgId();
  // The first attempt: committed, then the process died before queueing and before its 200.
  const [account] = await h.service.db.select().from(channelAccounts);
  const inbound = parseWxMessage(
    parseWxXml(wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'zhaoliu', text: '营业时间', msgId })),
    'wecom',
    'default',
  );
  await recordInbound(h.service.db, account!.id, inbound);

  // WeCom retries the same callback; the recovery sweep would only look after 30 s.
  t.is((await h.sendText('zhaoliu', '营业时间', msgId)).status, 200);
  // Answered before the sweep could have (30 s): the retry queued it. 20 s leaves a loaded machine room.
  const [reply] = await h.wecom.waitForDelivered(1, 20_000);
  t.regex(reply!.content, /营业/);
  t.is((await h.sendText('zhaoliu', '营业时间', msgId)).status, 200);
  await new Promise((r) => setTimeout(r, 500));
  t.is(h.wecom.delivered.length, 1, 'a later retry of the answered message does not queue it again');
});

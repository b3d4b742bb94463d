import test from 'ava';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { startHarness } from '../../support/wecom-service.ts';
import { countFrom, newClientId, WebVisitor } from '../../support/web-visitor.ts';

test('two visitors never see each other’s messages, replies or streams, even with the same client ids', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const alice = new WebVisitor(h.baseUrl);
  const bob = new WebVisitor(h.baseUrl);
  await alice.startSession();
  await bob.startSession();
  t.not(alice.visitorId, bob.visitorId);
  const aliceStream = await alice.stream({ lastEventId: 0 });
  const bobStream = await bob.stream({ lastEventId: 0 });

  const shared = newClientId();
  t.is((await alice.send('alice 的秘密', shared)).status, 202);
  const bobSend = await bob.send('bob 的问题', shared);
  t.is(bobSend.status, 202, 'the same client id from another visitor is another message');

  await aliceStream.waitFor((e) => countFrom(e, 'bot') === 1, 10_000, "alice's reply");
  await bobStream.waitFor((e) => countFrom(e, 'bot') === 1, 10_000, "bob's reply");
  await new Promise((r) => setTimeout(r, 200));
  t.deepEqual(
    aliceStream.messages().map((m) => m.text),
    ['alice 的秘密', '答：alice 的秘密'],
  );
  t.deepEqual(
    bobStream.messages().map((m) => m.text),
    ['bob 的问题', '答：bob 的问题'],
  );
  t.deepEqual(
    (await alice.history()).map((m) => m.text),
    ['alice 的秘密', '答：alice 的秘密'],
  );
  t.deepEqual(
    (await bob.history()).map((m) => m.text),
    ['bob 的问题', '答：bob 的问题'],
  );

  // A cursor does not reach across visitors: bob resuming from 0 still gets only his own.
  const bobAgain = await bob.stream({ lastEventId: 0 });
  await bobAgain.waitFor((e) => e.some((x) => x.event === 'ready'));
  t.false(bobAgain.messages().some((m) => m.text.includes('alice')));
  for (const s of [aliceStream, bobStream, bobAgain]) s.close();
});

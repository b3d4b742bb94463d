import type { FakeWechatMpApi } from '../../../src/simulator/fake-wechat-mp-api.ts';
import type { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';
import { mpTextXml, sealMpCallback, type MpCallbackKeys } from '../../../src/simulator/wechat-mp-callback.ts';
import { sealWecomCallback, wecomTextXml } from '../../../src/simulator/wecom-callback.ts';
import { app, keys } from '../../support/wecom-service.ts';
import type { Probe } from './channel-probes.ts';
import type { Cluster } from './cluster.ts';
import { postOnce, QUESTION } from './load.ts';
import { newClientId, nextClientAddress } from '../../support/web-visitor.ts';
import { json, startSession } from './web-fixtures.ts';

export interface ProbeTargets {
  base: string;
  cluster: Cluster;
  wechat: FakeWechatMpApi;
  kf: FakeWecomKfApi;
  kfOpenKfId: string;
  mpKeys: Record<'plain' | 'safe', MpCallbackKeys>;
  publicId: string;
}

/** One customer per channel (and Official Account mode) asking the demo knowledge base's question. */
export function channelProbes(t: ProbeTargets): Probe[] {
  const msgId = () => String(Date.now());
  const mp = (mode: 'plain' | 'safe'): Probe => {
    const openid = `probe-mp-${mode}`;
    return {
      channel: `wechat-mp (${mode})`,
      ask: () =>
        postOnce(
          t.base,
          `/callbacks/wechat-mp/${mode}`,
          sealMpCallback(t.mpKeys[mode], mpTextXml({ toUser: t.mpKeys[mode].appId, from: openid, text: QUESTION, msgId: msgId() }), mode),
        ),
      replies: () => t.wechat.deliveredTo(openid),
    };
  };
  let webSession: { token: string } | undefined;
  return [
    {
      channel: 'wecom',
      ask: () =>
        postOnce(
          t.base,
          '/callbacks/wecom/default',
          sealWecomCallback(
            keys,
            app.agentId,
            wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'probe-wecom', text: QUESTION, msgId: msgId() }),
          ),
        ),
      replies: () => t.cluster.wecom.delivered.filter((d) => d.touser === 'probe-wecom').map((d) => d.content),
    },
    mp('plain'),
    mp('safe'),
    {
      channel: 'wecom-kf',
      ask: async () => {
        t.kf.customerSays(t.kfOpenKfId, 'probe-kf', QUESTION);
        return (await t.kf.notify(`${t.base}/callbacks/wecom-kf/default`, t.kfOpenKfId)).status;
      },
      replies: () => t.kf.deliveredTo('probe-kf'),
    },
    {
      channel: 'web',
      ask: async () => {
        webSession = await startSession(t.base, t.publicId);
        const res = await fetch(`${t.base}/api/web/${t.publicId}/messages`, {
          method: 'POST',
          headers: { ...json(webSession.token), 'x-forwarded-for': nextClientAddress() },
          body: JSON.stringify({ clientId: newClientId(), text: QUESTION }),
        });
        return res.status;
      },
      replies: async () => {
        const res = await fetch(`${t.base}/api/web/${t.publicId}/history`, {
          headers: { authorization: `Bearer ${webSession!.token}`, 'x-forwarded-for': nextClientAddress() },
        });
        if (!res.ok) return [];
        return ((await res.json()) as { messages: Array<{ from: string; text: string }> }).messages
          .filter((m) => m.from !== 'customer')
          .map((m) => m.text);
      },
    },
  ];
}

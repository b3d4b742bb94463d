import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWechatMpApi } from '../../../src/simulator/fake-wechat-mp-api.ts';
import { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';
import { sealMpCallback } from '../../../src/simulator/wechat-mp-callback.ts';
import { sealWecomCallback, wecomTextXml } from '../../../src/simulator/wecom-callback.ts';
import { app, keys } from '../../support/wecom-service.ts';
import { Cluster } from './cluster.ts';
import { encryptedCallbackMakers } from './hostile-callbacks.ts';
import { pick, type Maker } from './hostile-http.ts';
import { encryptedVerifyMakers, kfItemMakers, kfNotification, mpMessage, mpModeMakers, wecomMessage } from './platform-hostile.ts';
import { genericRouteMakers, unknownRouteMaker } from './route-makers.ts';
import { messageXml, signedFuzzMakers } from './signed-fuzz.ts';
import type { TextMarkers } from './text-markers.ts';
import type { WebFixtures } from './web-fixtures.ts';
import { preflightMaker, webInputMakers } from './web-hostile.ts';
import { ticketConfusionMakers } from './web-ticket-confusion.ts';
import { tokenConfusionMakers } from './web-token-confusion.ts';

/**
 * The cluster of the hostile-input scenario, every channel on: the WeCom app (the cluster's own),
 * an Official Account in plain and one in safe mode, 微信客服, two web widgets, the queue board
 * and /metrics behind their credentials, each platform faked on loopback. And every bad request it gets, per route.
 */
export const MAX_MESSAGE_CHARS = 500;
const mp = { appId: 'wxhostile00000001', secret: 'mp-secret' };
export const mpKeys = {
  plain: { appId: mp.appId, token: 'mpplaintoken' },
  safe: { appId: mp.appId, token: 'mpsafetoken', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
};
const kfCorp = { corpId: 'wwhostilekf0001', secret: 'kf-secret' };
const kfKeys = { token: 'kftoken', encodingAesKey: 'kfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfk', receiveId: kfCorp.corpId };
export const KF = 'wkHOSTILE01';
export const web = { name: 'default', publicId: 'demo', secret: 'hostile-input-widget-secret-0001' };
export const otherWeb = { name: 'other', publicId: 'other', secret: 'hostile-input-other-widget-secret' };
const admin = { user: 'ops', password: 'hostile-input-admin-password' };
const METRICS_TOKEN = 'hostile-input-metrics-token-0123456789';

/** What no log line may hold at any level: the configured secrets (the session tokens are added by the scenario). */
export const SECRETS = [
  web.secret,
  otherWeb.secret,
  admin.password,
  METRICS_TOKEN,
  mp.secret,
  mpKeys.plain.token,
  mpKeys.safe.encodingAesKey,
  kfCorp.secret,
  kfKeys.encodingAesKey,
];

export interface HostileCluster {
  cluster: Cluster;
  wechat: FakeWechatMpApi;
  kf: FakeWecomKfApi;
  close(): Promise<void>;
}

export async function startHostileCluster(): Promise<HostileCluster> {
  const wechat = new FakeWechatMpApi({ appId: mp.appId, appSecret: mp.secret });
  const kf = new FakeWecomKfApi({ ...kfCorp, callbackToken: kfKeys.token, encodingAesKey: kfKeys.encodingAesKey });
  const dir = mkdtempSync(join(tmpdir(), 'kefu-hostile-'));
  const configFile = join(dir, 'accounts.json');
  const mpApiBase = await wechat.listen();
  const kfAccount = { name: 'default', ...kfCorp, token: kfKeys.token, encodingAesKey: kfKeys.encodingAesKey, apiBase: await kf.listen() };
  writeFileSync(
    configFile,
    JSON.stringify({
      wechatMp: [
        { name: 'plain', appId: mp.appId, appSecret: mp.secret, token: mpKeys.plain.token, apiBase: mpApiBase },
        { name: 'safe', appSecret: mp.secret, ...mpKeys.safe, apiBase: mpApiBase },
      ],
      wecomKf: [kfAccount],
      web: [otherWeb],
    }),
  );
  const cluster = await new Cluster({
    apis: 1,
    workers: 1,
    env: {
      CONFIG_FILE: configFile,
      WEB_CHAT_SECRET: web.secret,
      WEB_CHAT_PUBLIC_ID: web.publicId,
      WEB_CHAT_MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS),
      WEB_CHAT_MAX_UPLOAD_BYTES: String(64 * 1024),
      // Limits per address and visitor are proven elsewhere; here they must not be what answers.
      WEB_CHAT_IP_REQUESTS_PER_MINUTE: '1000000',
      WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE: '1000000',
      TRUSTED_PROXY_HOPS: '1',
      ADMIN_USER: admin.user,
      ADMIN_PASSWORD: admin.password,
      METRICS_TOKEN,
    },
  }).start();
  return {
    cluster,
    wechat,
    kf,
    async close() {
      await cluster.close();
      await wechat.close();
      await kf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MakerContext {
  kf: FakeWecomKfApi;
  fixtures: WebFixtures;
  markers: TextMarkers;
  /** The routes the api and the worker listed at start, and where the worker listens. */
  apiRoutes: string[];
  workerRoutes: string[];
  workerBase: string;
}

/** Bad requests for the platforms' callback URLs: broken envelopes, the signed fuzzer, odd verifications, odd kf items. */
function callbackMakers(c: MakerContext): Maker[] {
  const wecom = { route: 'POST /callbacks/wecom/:account', path: '/callbacks/wecom/default' };
  const kf = { route: 'POST /callbacks/wecom-kf/:account', path: '/callbacks/wecom-kf/default' };
  const wecomText = () =>
    wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'mallory', text: '营业时间', msgId: String(Date.now()) });
  return [
    ...encryptedCallbackMakers({ keys, agentId: app.agentId, ...wecom, unknownPath: '/callbacks/wecom/nosuchapp', validInner: wecomText }),
    ...signedFuzzMakers({
      ...wecom,
      seal: (inner) => sealWecomCallback(keys, app.agentId, inner),
      message: wecomMessage(app.corpId, app.agentId),
      markers: c.markers,
    }),
    ...encryptedVerifyMakers('GET /callbacks/wecom/:account', wecom.path, keys),
    ...(['plain', 'safe'] as const).flatMap((mode) =>
      signedFuzzMakers({
        route: 'POST /callbacks/wechat-mp/:account',
        path: `/callbacks/wechat-mp/${mode}`,
        seal: (inner) => sealMpCallback(mpKeys[mode], inner, mode),
        message: mpMessage(mp.appId),
        markers: c.markers,
        label: mode,
      }),
    ),
    ...mpModeMakers({ paths: { plain: '/callbacks/wechat-mp/plain', safe: '/callbacks/wechat-mp/safe' }, keys: mpKeys }, () =>
      messageXml(mpMessage(mp.appId)()),
    ),
    ...encryptedCallbackMakers({
      keys: kfKeys,
      agentId: '',
      ...kf,
      unknownPath: '/callbacks/wecom-kf/nosuchapp',
      validInner: () => messageXml(kfNotification(kfCorp.corpId, KF)()),
    }),
    ...signedFuzzMakers({
      ...kf,
      seal: (inner) => sealWecomCallback(kfKeys, 0, inner),
      message: kfNotification(kfCorp.corpId, KF),
      markers: c.markers,
    }),
    ...encryptedVerifyMakers('GET /callbacks/wecom-kf/:account', kf.path, kfKeys),
    ...kfItemMakers(c.kf, KF, kf.route, kf.path, c.markers),
  ];
}

/** Every bad request of the storm: the platforms', the widget's, token confusion, and the generic ones of every listed route. */
export function hostileMakers(c: MakerContext): Maker[] {
  const { fixtures } = c;
  const param = (name: string, route: string) =>
    ({ publicId: web.publicId, fileId: fixtures.victim.fileId, account: route.includes('wechat-mp') ? 'safe' : 'default' })[name] ?? 'x';
  const session = { authorization: `Bearer ${fixtures.anonymous[0]!.token}` };
  return [
    ...callbackMakers(c),
    ...webInputMakers(fixtures, MAX_MESSAGE_CHARS),
    ...c.apiRoutes.filter((r) => r.startsWith('OPTIONS /api/web/')).map((r) => preflightMaker(fixtures, r)),
    ...tokenConfusionMakers(fixtures),
    ...ticketConfusionMakers(fixtures),
    () => ({
      route: 'GET /admin/queues (queue board)',
      kind: 'wrong credentials',
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password.slice(1)}\u0000`).toString('base64')}` },
      mustRefuse: true,
    }),
    ...['', 'worker: '].map((on) => () => ({
      route: `${on}GET /metrics`,
      kind: 'another credential for the metrics',
      method: 'GET',
      url: '/metrics',
      ...(on ? { base: c.workerBase } : {}),
      headers: {
        authorization: pick([
          session.authorization,
          `Bearer ${admin.password}`,
          `Bearer ${METRICS_TOKEN.slice(1)}`,
          `Basic ${METRICS_TOKEN}`,
        ]),
      },
      mustRefuse: true,
    })),
    unknownRouteMaker,
    ...c.apiRoutes.flatMap((r) => genericRouteMakers(r, param, r.includes('/api/web/') ? session : {})),
    ...c.workerRoutes.flatMap((r) =>
      genericRouteMakers(r, param).map((m) => async () => ({ ...(await m()), route: `worker: ${r}`, base: c.workerBase })),
    ),
  ];
}

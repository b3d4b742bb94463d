import { randomBytes } from 'node:crypto';
import type { Service } from '../../src/composition.ts';
import { FakeWechatMpApi } from '../../src/simulator/fake-wechat-mp-api.ts';
import { FakeWecomKfApi } from '../../src/simulator/fake-wecom-kf-api.ts';
import { mpTextXml, sealMpCallback } from '../../src/simulator/wechat-mp-callback.ts';
import { callJson, type SignedIn, signedInStaff } from './console-api.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { EchoBrain, startTestService } from './wechat-family-service.ts';
import { deleteRedisPrefix, REDIS_URL } from './wecom-service.ts';

/**
 * The service the broadcast tests send through: an Official Account and a 微信客服 account, both
 * faked on loopback (errcodes included), a web widget, an echoing brain, and a marketer and an
 * admin signed in. Each call makes fakes of its own: WeChat refuses a mass send's clientmsgid it
 * has seen, and each database numbers its mass sends from 1.
 */
export const BROADCAST_MP = { appId: 'wxbroadcast0001', secret: 'broadcast-secret', token: 'broadcasttoken' };
const corp = {
  corpId: 'wwbroadcast01',
  secret: 'kf-bc-secret',
  token: 'kfbctoken',
  encodingAesKey: 'bcastbcastbcastbcastbcastbcastbcastbcastbca',
};
/** The 微信客服 account's open_kfid: a 微信客服 customer's external id is `${BROADCAST_KF}/<id>`. */
export const BROADCAST_KF = 'wkBCAST0001';

export interface BroadcastService {
  wechat: FakeWechatMpApi;
  kf: FakeWecomKfApi;
  /** The fake Official Account API's base URL. */
  mpBase: string;
  db: TestDatabase;
  /** The service's REDIS_PREFIX. */
  redisPrefix: string;
  service: Service;
  baseUrl: string;
  marketer: SignedIn;
  admin: SignedIn;
  /** A console API call, as the marketer unless `who` says otherwise. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, who?: SignedIn): ReturnType<typeof callJson<T>>;
  /** An Official Account follower writes (a signed callback); their 48-hour window opens. */
  followerSays(openid: string, text: string): Promise<void>;
  /** A 微信客服 customer writes: the fake queues the message and calls back. */
  kfCustomerSays(externalUserId: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

let msgId = 9_000;

export async function startBroadcastService(kind: DatabaseKind): Promise<BroadcastService> {
  const wechat = new FakeWechatMpApi({ appId: BROADCAST_MP.appId, appSecret: BROADCAST_MP.secret });
  const kf = new FakeWecomKfApi({
    corpId: corp.corpId,
    secret: corp.secret,
    callbackToken: corp.token,
    encodingAesKey: corp.encodingAesKey,
  });
  const [mpBase, kfBase] = await Promise.all([wechat.listen(), kf.listen()]);
  const prefix = `kefu-test-broadcasts-${randomBytes(4).toString('hex')}`;
  const db = await createTestDatabase(kind);
  const { service, baseUrl } = await startTestService(
    {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      WECHAT_MP_APP_ID: BROADCAST_MP.appId,
      WECHAT_MP_APP_SECRET: BROADCAST_MP.secret,
      WECHAT_MP_TOKEN: BROADCAST_MP.token,
      WECHAT_MP_API_BASE: mpBase,
      WECOM_KF_CORP_ID: corp.corpId,
      WECOM_KF_SECRET: corp.secret,
      WECOM_KF_TOKEN: corp.token,
      WECOM_KF_ENCODING_AES_KEY: corp.encodingAesKey,
      WECOM_KF_API_BASE: kfBase,
      HOLD_NOTICE_INTERVAL_MS: '0',
    },
    new EchoBrain(),
  );
  const marketer = await signedInStaff(baseUrl, service.db, `mk-${kind}@example.com`, 'marketer');
  const admin = await signedInStaff(baseUrl, service.db, `admin-${kind}@example.com`, 'admin');
  return {
    wechat,
    kf,
    mpBase,
    db,
    redisPrefix: prefix,
    service,
    baseUrl,
    marketer,
    admin,
    api: (method, path, body, who = marketer) => callJson(baseUrl, who, method, path, body),
    async followerSays(openid, text) {
      wechat.userWrote(openid);
      const xml = mpTextXml({ toUser: 'gh_broadcast', from: openid, text, msgId: String(msgId++) });
      const { query, body } = sealMpCallback(BROADCAST_MP, xml, 'plain');
      const res = await fetch(`${baseUrl}/callbacks/wechat-mp/default?${query}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/xml' },
      });
      if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
    },
    async kfCustomerSays(externalUserId, text) {
      kf.customerSays(BROADCAST_KF, externalUserId, text);
      const res = await kf.notify(`${baseUrl}/callbacks/wecom-kf/default`, BROADCAST_KF);
      if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
    },
    async stop() {
      await service.stop();
      await Promise.all([wechat.close(), kf.close()]);
      await deleteRedisPrefix(prefix);
      await db.drop();
    },
  };
}

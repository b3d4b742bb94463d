import { FakeAibotWsServer } from './fake-aibot-ws-server.ts';
import { FakeWechatMpApi } from './fake-wechat-mp-api.ts';
import { FakeWecomApi } from './fake-wecom-api.ts';
import { FakeWecomKfApi } from './fake-wecom-kf-api.ts';
import { postCallback, sealWecomCallback, wecomTextXml } from './wecom-callback.ts';
import { mpTextXml, sealMpCallback } from './wechat-mp-callback.ts';

/**
 * The platforms `npm run simulate` pretends to be. The crypto values are the official sample values
 * (WeCom 加解密方案说明, https://developer.work.weixin.qq.com/document/path/90968;
 * test/fixtures/wecom-callback-vectors.json), so anyone can check a callback by hand against the docs.
 */
const sample = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', id: 'wx5823bf96d3bd56c7' };

export interface SimulatedPlatform {
  /** Starts the fake platform API; returns the environment that points kefu-hub at it. */
  start(port: number): Promise<Record<string, string>>;
  /** Delivers what the customer typed to the service as the platform would. */
  say(serviceUrl: string, user: string, text: string): Promise<Response>;
  /** Replies the service has sent so far, in order. */
  replies(): string[];
  /** Platforms that stream answers (the AI bot) show them growing: `write` gets each new piece. */
  streamTo?(write: (piece: string, finished: boolean) => void): void;
  stop(): Promise<void>;
}

let counter = 0;
const nextMsgId = () => `${Date.now()}${String(++counter).padStart(4, '0')}`;

function wecomApp(): SimulatedPlatform {
  const app = { corpId: sample.id, agentId: 1000002, secret: 'simulator-secret' };
  const api = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId });
  const keys = { token: sample.token, encodingAesKey: sample.encodingAesKey, receiveId: app.corpId };
  return {
    start: async (port) => ({
      WECOM_CORP_ID: app.corpId,
      WECOM_AGENT_ID: String(app.agentId),
      WECOM_SECRET: app.secret,
      WECOM_TOKEN: sample.token,
      WECOM_ENCODING_AES_KEY: sample.encodingAesKey,
      WECOM_API_BASE: await api.listen(port),
    }),
    say: (url, user, text) =>
      postCallback(
        url,
        '/callbacks/wecom/default',
        sealWecomCallback(
          keys,
          app.agentId,
          wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: user, text, msgId: nextMsgId() }),
        ),
      ),
    replies: () => api.delivered.map((d) => d.content),
    stop: () => api.close(),
  };
}

function officialAccount(): SimulatedPlatform {
  const app = { appId: sample.id, appSecret: 'simulator-secret' };
  const api = new FakeWechatMpApi(app);
  const keys = { appId: app.appId, token: sample.token, encodingAesKey: sample.encodingAesKey };
  return {
    start: async (port) => ({
      WECHAT_MP_APP_ID: app.appId,
      WECHAT_MP_APP_SECRET: app.appSecret,
      WECHAT_MP_TOKEN: sample.token,
      WECHAT_MP_ENCODING_AES_KEY: sample.encodingAesKey,
      WECHAT_MP_API_BASE: await api.listen(port),
    }),
    say: (url, user, text) => {
      const sealed = sealMpCallback(keys, mpTextXml({ toUser: 'gh_simulated', from: user, text, msgId: nextMsgId() }), 'safe');
      return fetch(`${url}/callbacks/wechat-mp/default?${sealed.query}`, {
        method: 'POST',
        body: sealed.body,
        headers: { 'content-type': 'text/xml' },
      });
    },
    replies: () => api.delivered.map((d) => d.content),
    stop: () => api.close(),
  };
}

function customerService(): SimulatedPlatform {
  const app = { corpId: 'wwsimulatedcorp', secret: 'simulator-secret' };
  const openKfId = 'wkSimulatedKf';
  const api = new FakeWecomKfApi({ ...app, callbackToken: sample.token, encodingAesKey: sample.encodingAesKey });
  return {
    start: async (port) => ({
      WECOM_KF_CORP_ID: app.corpId,
      WECOM_KF_SECRET: app.secret,
      WECOM_KF_TOKEN: sample.token,
      WECOM_KF_ENCODING_AES_KEY: sample.encodingAesKey,
      WECOM_KF_API_BASE: await api.listen(port),
    }),
    say: (url, user, text) => {
      api.customerSays(openKfId, user, text);
      return api.notify(`${url}/callbacks/wecom-kf/default`, openKfId);
    },
    replies: () => [...api.welcomes.map((w) => w.content), ...api.delivered.map((d) => d.content)],
    stop: () => api.close(),
  };
}

/**
 * A WeCom AI bot on the long connection (its default mode: no public URL needed), WeCom's server
 * faked on loopback: what you type arrives as aibot_msg_callback frames, and the answer is printed
 * as its stream frames arrive.
 */
function aiBot(): SimulatedPlatform {
  const bot = { botId: 'aibsimulatedbot', secret: 'simulator-secret' };
  const server = new FakeAibotWsServer(bot);
  return {
    start: async (port) => ({
      WECOM_AIBOT_ID: bot.botId,
      WECOM_AIBOT_SECRET: bot.secret,
      WECOM_AIBOT_WS_URL: await server.listen(port),
      WECOM_AIBOT_WELCOME_TEXT: '您好，我是智能客服，有什么可以帮您？',
    }),
    say: async (_url, user, text) => {
      if (server.activeConnection === undefined) return new Response('the bot has not connected yet', { status: 503 });
      server.say({ from: user, text });
      return new Response(null, { status: 200 });
    },
    replies: () => server.sent.map((s) => s.content),
    streamTo(write) {
      const shown = new Map<string, string>();
      server.onStreamFrame = (frame) => {
        const before = shown.get(frame.id) ?? '';
        // Each frame carries the whole answer so far: print what is new, or all of it if it was rewritten.
        const piece = frame.content.startsWith(before) ? frame.content.slice(before.length) : `\n（改写）${frame.content}`;
        shown.set(frame.id, frame.content);
        if (piece || frame.finish) write(piece, frame.finish);
      };
    },
    stop: () => server.close(),
  };
}

export const simulatedPlatforms = {
  wecom: wecomApp,
  'wechat-mp': officialAccount,
  'wecom-kf': customerService,
  'wecom-aibot': aiBot,
} as const;
export type SimulatedChannel = keyof typeof simulatedPlatforms;

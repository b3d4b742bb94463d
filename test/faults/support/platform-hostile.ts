import { randomBytes } from 'node:crypto';
import { sealForReceiver, type CallbackCryptoKeys } from '../../../src/channels/shared/wxbiz-msg-crypt.ts';
import type { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';
import { mpPlainSignature, sealMpCallback, type MpCallbackKeys, type MpMode } from '../../../src/simulator/wechat-mp-callback.ts';
import { sealWecomCallback } from '../../../src/simulator/wecom-callback.ts';
import { pick, type HostileRequest, type Maker } from './hostile-http.ts';
import type { Field, InnerMessage } from './signed-fuzz.ts';
import type { TextMarkers } from './text-markers.ts';

/**
 * The platforms' side of the hostile scenario: well-formed messages for the signed fuzzer to break,
 * URL verifications with odd echostrs, Official Account signatures in the wrong mode, and 微信客服
 * sync_msg items the parser never expected.
 */
const now = () => Math.floor(Date.now() / 1000);
/** A few dozen fuzzing customers, so their turns share conversations instead of opening thousands. */
const customer = (prefix: string) => `${prefix}${Math.floor(Math.random() * 40)}`;
const msgId = () => String(Date.now() * 1000 + Math.floor(Math.random() * 1000));

/** The message kinds both platforms send, each with the fields that carry customer text. */
const KINDS: Array<{ fields: () => Record<string, string | number>; text: string[] }> = [
  { fields: () => ({ MsgType: 'text', Content: '营业时间', MsgId: msgId() }), text: ['Content'] },
  { fields: () => ({ MsgType: 'image', PicUrl: 'https://example.invalid/a.png', MediaId: 'm1', MsgId: msgId() }), text: [] },
  {
    fields: () => ({ MsgType: 'location', Location_X: 23.1, Location_Y: 113.3, Scale: 15, Label: '广州', MsgId: msgId() }),
    text: ['Label'],
  },
  {
    fields: () => ({ MsgType: 'link', Title: '标题', Description: '描述', Url: 'https://example.invalid', MsgId: msgId() }),
    text: ['Title', 'Description'],
  },
  { fields: () => ({ MsgType: 'voice', MediaId: 'v1', Format: 'amr', Recognition: '你好', MsgId: msgId() }), text: ['Recognition'] },
  { fields: () => ({ MsgType: 'event', Event: pick(['subscribe', 'click', 'enter_agent']), EventKey: 'k1' }), text: [] },
];

/** A random message of one of those kinds, in WeCom's or the Official Account's fields. */
function platformMessage(to: string, from: string, extra: Field[] = []): InnerMessage {
  const kind = pick(KINDS);
  return {
    fields: [['ToUserName', to], ['FromUserName', from], ['CreateTime', now()], ...Object.entries(kind.fields()), ...extra],
    textFields: kind.text,
    idFields: ['FromUserName', 'MsgId', 'ToUserName'],
  };
}

export const wecomMessage = (corpId: string, agentId: number) => () => platformMessage(corpId, customer('fzwecom'), [['AgentID', agentId]]);
export const mpMessage = (appId: string) => () => platformMessage(appId, customer('fzmp'));
export const kfNotification = (corpId: string, openKfId: string) => (): InnerMessage => ({
  fields: [
    ['ToUserName', corpId],
    ['CreateTime', now()],
    ['MsgType', 'event'],
    ['Event', 'kf_msg_or_event'],
    ['Token', `ENC${randomBytes(8).toString('hex')}`],
    ['OpenKfId', openKfId],
  ],
  textFields: [],
  idFields: ['Token', 'OpenKfId'],
});

/** GET URL verification of the encrypted channels (WeCom app, 微信客服): validly signed, odd echostrs. */
export function encryptedVerifyMakers(route: string, path: string, keys: CallbackCryptoKeys): Maker[] {
  const verify = (kind: string, plaintext: string, mutateEcho = (e: string) => e): HostileRequest => {
    const timestamp = String(now());
    const nonce = randomBytes(4).toString('hex');
    const { encrypted, msgSignature } = sealForReceiver(keys, plaintext, timestamp, nonce);
    const query = new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce, echostr: mutateEcho(encrypted) });
    return { route, kind, method: 'GET', url: `${path}?${query}` };
  };
  return [
    () => verify('verify: NUL and lone surrogate in a signed echostr', pick(['a\u0000b', 'a\ud800b', '\u0000'])),
    () => verify('verify: echostr altered after signing', 'echo', (e) => `${e.slice(0, -4)}AAAA`),
    () => ({ route, kind: 'verify: no echostr', method: 'GET', url: `${path}?${sealWecomCallback(keys, 0, '<xml/>').query}` }),
    () => ({
      route,
      kind: 'verify: echostr not base64',
      method: 'GET',
      url: `${path}?msg_signature=00&timestamp=${now()}&nonce=1&echostr=%00%ED%A0%80`,
    }),
  ];
}

export interface MpTarget {
  /** The path of the account in each mode. */
  paths: Record<'plain' | 'safe', string>;
  keys: Record<'plain' | 'safe', MpCallbackKeys>;
}

/** Official Account callbacks signed in the wrong way for the account's mode, and odd URL verifications. */
export function mpModeMakers(t: MpTarget, inner: () => string): Maker[] {
  const route = 'POST /callbacks/wechat-mp/:account';
  const post = (kind: string, mode: 'plain' | 'safe', sealedAs: MpMode, keys: MpCallbackKeys, mustRefuse = true): HostileRequest => {
    const { query, body } = sealMpCallback(keys, inner(), sealedAs);
    return { route, kind, method: 'POST', url: `${t.paths[mode]}?${query}`, headers: { 'content-type': 'text/xml' }, body, mustRefuse };
  };
  const verify = (kind: string, mode: 'plain' | 'safe', echostr: string, token = t.keys[mode].token): HostileRequest => {
    const timestamp = String(now());
    const nonce = randomBytes(4).toString('hex');
    const q = `signature=${mpPlainSignature(token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&echostr=${echostr}`;
    return { route: 'GET /callbacks/wechat-mp/:account', kind, method: 'GET', url: `${t.paths[mode]}?${q}` };
  };
  return [
    () => post('plain: signed with another token', 'plain', 'plain', { ...t.keys.plain, token: 'not-our-token' }),
    () => post('safe: sent as plain (no Encrypt)', 'safe', 'plain', t.keys.safe),
    () => post('safe: sealed for another app', 'safe', 'safe', { ...t.keys.safe, appId: 'wxforeign000001' }),
    () => post('plain: sent encrypted', 'plain', 'safe', { ...t.keys.plain, encodingAesKey: t.keys.safe.encodingAesKey }, false),
    () =>
      verify(
        'verify: NUL, lone surrogate and junk in echostr',
        pick(['plain', 'safe'] as const),
        pick(['%00', 'a%ED%A0%80b', 'x'.repeat(4000), '%E0%A4%A']),
      ),
    () => ({ ...verify('verify: wrong signature', 'plain', 'hello', 'not-our-token'), mustRefuse: true }),
  ];
}

/** sync_msg items a parser must survive: each is put in the fake's log, then WeCom's real notification is sent. */
export function kfItemMakers(kf: FakeWecomKfApi, openKfId: string, route: string, path: string, markers: TextMarkers): Maker[] {
  const user = () => customer('fzkf');
  const text = (content: unknown) => ({
    open_kfid: openKfId,
    external_userid: user(),
    send_time: now(),
    origin: 3,
    msgtype: 'text',
    text: { content },
  });
  const items: Record<string, () => Record<string, unknown>> = {
    'NUL in text': () => text(`${markers.next()} a\u0000b`),
    'lone surrogate in text': () => text(`${markers.next()} a\ud800b`),
    'no send_time': () => ({ ...text(`${markers.next()} 营业时间`), send_time: undefined }),
    'send_time of the wrong type': () => ({ ...text(`${markers.next()} 营业时间`), send_time: pick(['yesterday', -1, 1e21, null]) }),
    'no msgid': () => ({ ...text(`${markers.next()} hi`), msgid: undefined }),
    'text of the wrong type': () => text(pick([42, null, ['a'], { a: markers.next() }])),
    'an unknown msgtype': () => ({ ...text(`${markers.next()} hi`), msgtype: pick(['hologram', '', 7]) }),
    'NUL in ids': () => ({ ...text(`${markers.next()} hi`), external_userid: `wm\u0000${user()}`, open_kfid: openKfId }),
    'a huge text': () => text(`${markers.next()} ${'长'.repeat(20_000)}`),
    'an event without a customer': () => ({
      send_time: now(),
      origin: 4,
      msgtype: 'event',
      event: { event_type: pick(['enter_session', 'x', '']) },
    }),
  };
  return Object.entries(items).map(([name, item]) => (): HostileRequest => {
    kf.appendItem(openKfId, item());
    const { query, body } = kf.sealNotification(openKfId);
    return {
      route,
      kind: `sync_msg item: ${name}`,
      method: 'POST',
      url: `${path}?${query}`,
      headers: { 'content-type': 'text/xml' },
      body,
    };
  });
}

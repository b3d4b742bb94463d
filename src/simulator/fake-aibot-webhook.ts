import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decryptForReceiver, sealForReceiver, type CallbackCryptoKeys, verifySignature } from '../channels/shared/wxbiz-msg-crypt.ts';
import { encryptAibotFile } from './encrypt-aibot-file.ts';
import { LoopbackServer } from './loopback-server.ts';

/**
 * WeCom's side of an AI bot in webhook mode (https://developer.work.weixin.qq.com/document/path/100719):
 * posts encrypted JSON callbacks `{"encrypt"}` signed in the query string (ReceiveId empty, doc
 * 101033), opens the passive replies, and keeps refreshing a stream (`msgtype: "stream"`) until its
 * reply says `finish` or 6 minutes pass. As a loopback server it also takes what is posted to the
 * response_url it hands out (doc 101138).
 */

export interface AibotChatMessage {
  from: string;
  text: string;
  /** A group chat: its id (the text must @-mention the bot for WeCom to call back, doc 100719). */
  chatid?: string;
  msgid?: string;
}

export interface StreamFrame {
  id: string;
  finish: boolean;
  content: string;
}

export type PassiveReply =
  | { msgtype: 'stream'; stream: StreamFrame }
  | { msgtype: 'stream_with_template_card'; stream: StreamFrame; template_card: Record<string, unknown> }
  | { msgtype: 'text'; text: { content: string } }
  | { response_type: 'update_template_card'; template_card: Record<string, unknown> }
  | undefined;

const streamOf = (reply: PassiveReply) => (reply && 'stream' in reply ? reply.stream : undefined);

let counter = 0;
const nextMsgId = () => `aibot${Date.now()}${String(++counter).padStart(5, '0')}`;

export class FakeAibotWebhook extends LoopbackServer {
  readonly keys: CallbackCryptoKeys;
  /** Markdown posted to response_urls, in order, with the URL's message id. */
  readonly lateAnswers: Array<{ msgid: string; content: string }> = [];
  private baseUrl = '';
  private readonly media = new Map<string, Buffer>();

  constructor(
    keys: { token: string; encodingAesKey: string },
    private readonly botId = 'aibsimulatedbot',
  ) {
    super();
    this.keys = { ...keys, receiveId: '' };
  }

  override async listen(port = 0): Promise<string> {
    this.baseUrl = await super.listen(port);
    return this.baseUrl;
  }

  protected async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = req.method === 'GET' ? this.media.get(url.pathname.replace(/^\/media\//, '')) : undefined;
    if (file) {
      res.end(file);
      return;
    }
    const msgid = url.pathname.startsWith('/response/') ? url.pathname.slice('/response/'.length) : undefined;
    if (req.method !== 'POST' || !msgid) {
      res.statusCode = 404;
      res.end();
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const parsed = JSON.parse(body) as { markdown?: { content?: string }; msgtype?: string };
    this.lateAnswers.push({ msgid, content: parsed.markdown?.content ?? '' });
    this.json(res, { errcode: 0, errmsg: 'ok' });
  }

  /**
   * A picture in a single chat: its URL (served here) gives the bytes encrypted with the bot's
   * EncodingAESKey — webhook mode's messages carry no key of their own (an assumption, see docs/channels.md).
   */
  imageOf(from: string, picture: Buffer): Record<string, unknown> {
    const id = nextMsgId();
    this.media.set(id, encryptAibotFile(picture, this.keys.encodingAesKey));
    return { ...this.messageOf({ from, text: '' }), msgtype: 'image', text: undefined, image: { url: `${this.baseUrl}/media/${id}` } };
  }

  /** A user's message as WeCom's callback JSON. */
  messageOf(m: AibotChatMessage): Record<string, unknown> {
    const msgid = m.msgid ?? nextMsgId();
    return {
      msgid,
      aibotid: this.botId,
      ...(m.chatid && { chatid: m.chatid }),
      chattype: m.chatid ? 'group' : 'single',
      from: { userid: m.from },
      ...(this.baseUrl && { response_url: `${this.baseUrl}/response/${encodeURIComponent(msgid)}` }),
      msgtype: 'text',
      text: { content: m.text },
    };
  }

  /** Posts one callback and opens the passive reply. */
  async post(callbackUrl: string, message: Record<string, unknown>): Promise<{ status: number; reply: PassiveReply }> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const { encrypted, msgSignature } = sealForReceiver(this.keys, JSON.stringify(message), timestamp, nonce);
    const query = new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce });
    const response = await fetch(`${callbackUrl}?${query}`, {
      method: 'POST',
      body: JSON.stringify({ encrypt: encrypted }),
      headers: { 'content-type': 'application/json' },
    });
    const text = await response.text();
    if (response.status !== 200 || !text) return { status: response.status, reply: undefined };
    const sealed = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: string; nonce: string };
    if (sealed.nonce !== nonce) throw new Error('the passive reply must carry the callback nonce');
    verifySignature(this.keys, { msgSignature: sealed.msgsignature, timestamp: sealed.timestamp, nonce: sealed.nonce }, sealed.encrypt);
    return { status: 200, reply: JSON.parse(decryptForReceiver(this.keys, sealed.encrypt)) as PassiveReply };
  }

  /**
   * Sends a user's message, then refreshes its stream every `refreshMs` until the reply finishes
   * (or `giveUpMs`, WeCom's 6 minutes): the frames the user saw, in order, and the last reply (with
   * the card that came with the finish, if any). `onFrame` sees each one.
   */
  async ask(
    callbackUrl: string,
    m: AibotChatMessage,
    options: { refreshMs?: number; giveUpMs?: number; onFrame?: (frame: StreamFrame) => void } = {},
  ): Promise<{ status: number; frames: StreamFrame[]; reply: PassiveReply }> {
    const message = this.messageOf(m);
    const first = await this.post(callbackUrl, message);
    const opened = streamOf(first.reply);
    if (!opened) return { status: first.status, frames: [], reply: first.reply };
    const frames = [opened];
    options.onFrame?.(opened);
    const giveUpAt = Date.now() + (options.giveUpMs ?? 6 * 60_000);
    let last = first.reply;
    while (!frames[frames.length - 1]!.finish && Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, options.refreshMs ?? 200));
      const refresh = await this.refresh(callbackUrl, message, opened.id);
      const frame = streamOf(refresh.reply);
      if (!frame) throw new Error(`a stream refresh got ${JSON.stringify(refresh)}`);
      frames.push(frame);
      last = refresh.reply;
      options.onFrame?.(frame);
    }
    return { status: first.status, frames, reply: last };
  }

  /** One stream refresh callback (doc 100719, 流式消息刷新): a new msgid, the stream's id. */
  refresh(callbackUrl: string, message: Record<string, unknown>, streamId: string) {
    const { text: _text, response_url: _url, ...rest } = message;
    return this.post(callbackUrl, { ...rest, msgid: nextMsgId(), msgtype: 'stream', stream: { id: streamId } });
  }

  /** An event callback, e.g. enter_chat or template_card_event (doc 101031). */
  event(callbackUrl: string, from: string, eventtype: string, detail: Record<string, unknown> = {}) {
    return this.post(callbackUrl, {
      msgid: nextMsgId(),
      create_time: Math.floor(Date.now() / 1000),
      aibotid: this.botId,
      chattype: 'single',
      from: { userid: from },
      msgtype: 'event',
      event: { eventtype, ...detail },
    });
  }
}

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { encryptAibotFile } from './encrypt-aibot-file.ts';
import { createLoopbackHttpServer } from './loopback-server.ts';

/**
 * WeCom's long-connection server for AI bots on loopback, speaking the documented frames
 * (https://developer.work.weixin.qq.com/document/path/101463): `{cmd, headers: {req_id}, body}`.
 * - aibot_subscribe {bot_id, secret} is answered `{headers, errcode, errmsg}`; a new subscription for
 *   the same bot kicks the old connection with a disconnected_event, as WeCom does.
 * - ping is answered errcode 0; aibot_respond_msg, aibot_respond_welcome_msg and aibot_send_msg are
 *   acknowledged with errcode 0 and recorded.
 * - say() and enterChat() push aibot_msg_callback / aibot_event_callback to the subscribed connection.
 *   A message nobody replied to before its connection went away is pushed again to the next
 *   subscriber (an assumption: the docs do not say what WeCom does, and redelivery is the harder case).
 * - sendImage() sends an image message whose URL (served here over HTTP) gives the picture
 *   encrypted with the message's own aeskey: AES-256-CBC, IV = the key's first 16 bytes, PKCS#7
 *   padded to 32 bytes.
 * The docs list no error codes for these frames: refusals use the nearest codes of WeCom's global
 * list (https://developer.work.weixin.qq.com/document/path/90313); clients only read errcode ≠ 0.
 */

export interface StreamFrameSeen {
  reqId: string;
  msgid: string;
  id: string;
  content: string;
  finish: boolean;
  /** Which subscription (1, 2, …) sent it. */
  connection: number;
  /** When it arrived (epoch ms). */
  at: number;
  /** The template card sent with it (msgtype stream_with_template_card). */
  card?: Record<string, unknown>;
}

interface Callback {
  reqId: string;
  body: Record<string, unknown>;
  replied: boolean;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now()}${String(++counter).padStart(5, '0')}${randomBytes(2).toString('hex')}`;

export class FakeAibotWsServer {
  private server?: WebSocketServer;
  private http?: Server;
  private httpBase = '';
  private readonly media = new Map<string, Buffer>();
  private active?: { socket: WebSocket; connection: number };
  private readonly callbacks: Callback[] = [];
  /** Every successful subscription, in order, with when it happened. */
  readonly subscriptions: Array<{ connection: number; at: number }> = [];
  readonly streamFrames: StreamFrameSeen[] = [];
  readonly welcomes: Array<{ reqId: string; content: string }> = [];
  /** Cards replaced after a click (aibot_respond_update_msg). */
  readonly cardUpdates: Array<{ reqId: string; card: Record<string, unknown> }> = [];
  readonly sent: Array<{ chatid: string; content: string; connection: number }> = [];
  pings = 0;
  /** Sees each stream frame as it arrives (the simulator prints the answer growing). */
  onStreamFrame?: (frame: StreamFrameSeen) => void;
  private connections = 0;

  constructor(private readonly bot: { botId: string; secret: string }) {}

  async listen(port = 0): Promise<string> {
    this.http = createLoopbackHttpServer((req, res) => {
      const file = this.media.get((req.url ?? '').replace(/^\/media\//, ''));
      res.statusCode = file ? 200 : 404;
      res.end(file);
    });
    this.server = new WebSocketServer({ server: this.http });
    this.server.on('connection', (socket) => this.serve(socket, ++this.connections));
    await new Promise<void>((resolve) => this.http!.listen(port, '127.0.0.1', resolve));
    const bound = (this.http.address() as AddressInfo).port;
    this.httpBase = `http://127.0.0.1:${bound}`;
    return `ws://127.0.0.1:${bound}`;
  }

  /** The connection number now subscribed, if any. */
  get activeConnection(): number | undefined {
    return this.active?.connection;
  }

  private serve(socket: WebSocket, connection: number): void {
    const answer = (reqId: string, errcode = 0, errmsg = 'ok') =>
      socket.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { cmd: string; headers: { req_id: string }; body?: Record<string, unknown> };
      const reqId = frame.headers?.req_id ?? '';
      switch (frame.cmd) {
        case 'aibot_subscribe': {
          if (frame.body?.bot_id !== this.bot.botId || frame.body?.secret !== this.bot.secret)
            return answer(reqId, 40001, 'invalid secret');
          const previous = this.active;
          this.active = { socket, connection };
          this.subscriptions.push({ connection, at: Date.now() });
          answer(reqId);
          if (previous && previous.socket !== socket) {
            previous.socket.send(
              JSON.stringify({
                cmd: 'aibot_event_callback',
                headers: { req_id: nextId('event') },
                body: { msgid: nextId('msg'), msgtype: 'event', event: { eventtype: 'disconnected_event' } },
              }),
            );
            previous.socket.close();
          }
          for (const callback of this.callbacks) if (!callback.replied) this.push('aibot_msg_callback', callback);
          return;
        }
        case 'ping':
          this.pings++;
          return answer(reqId);
        case 'aibot_respond_msg': {
          const callback = this.callbacks.find((c) => c.reqId === reqId);
          const stream = frame.body?.stream as { id: string; content: string; finish: boolean } | undefined;
          if (!callback || this.active?.socket !== socket) return answer(reqId, 40014, 'invalid req_id');
          callback.replied = true;
          if (stream) {
            const card = frame.body?.template_card as Record<string, unknown> | undefined;
            const seen = { reqId, msgid: String(callback.body.msgid), ...stream, connection, at: Date.now(), ...(card && { card }) };
            this.streamFrames.push(seen);
            this.onStreamFrame?.(seen);
          }
          return answer(reqId);
        }
        case 'aibot_respond_update_msg':
          this.cardUpdates.push({ reqId, card: frame.body?.template_card as Record<string, unknown> });
          return answer(reqId);
        case 'aibot_respond_welcome_msg':
          this.welcomes.push({ reqId, content: String((frame.body?.text as { content?: string })?.content ?? '') });
          return answer(reqId);
        case 'aibot_send_msg': {
          const markdown = frame.body?.markdown as { content?: string } | undefined;
          this.sent.push({ chatid: String(frame.body?.chatid), content: markdown?.content ?? '', connection });
          return answer(reqId);
        }
        default:
          return answer(reqId, 40008, 'invalid cmd');
      }
    });
    socket.on('close', () => {
      if (this.active?.socket === socket) this.active = undefined;
    });
  }

  private push(cmd: string, callback: Callback): void {
    this.active?.socket.send(JSON.stringify({ cmd, headers: { req_id: callback.reqId }, body: callback.body }));
  }

  /** A user's message; returns its msgid. Pushed now if a connection is subscribed, else on the next subscription. */
  say(m: { from: string; text: string; chatid?: string }): string {
    return this.userMessage(m.from, m.chatid, { msgtype: 'text', text: { content: m.text } });
  }

  /** A user sends a picture in the single chat; returns its msgid. */
  sendImage(from: string, picture: Buffer): string {
    const aeskey = randomBytes(32).toString('base64');
    const file = nextId('file');
    this.media.set(file, encryptAibotFile(picture, aeskey));
    return this.userMessage(from, undefined, { msgtype: 'image', image: { url: `${this.httpBase}/media/${file}`, aeskey } });
  }

  /** An aibot_msg_callback from `from` (in the group `chatid`, if given): pushed now, and again on each new subscription until replied to. */
  private userMessage(from: string, chatid: string | undefined, content: Record<string, unknown>): string {
    const msgid = nextId('msg');
    const callback: Callback = {
      reqId: nextId('req'),
      replied: false,
      body: {
        msgid,
        aibotid: this.bot.botId,
        ...(chatid && { chatid }),
        chattype: chatid ? 'group' : 'single',
        from: { userid: from },
        ...content,
      },
    };
    this.callbacks.push(callback);
    this.push('aibot_msg_callback', callback);
    return msgid;
  }

  /** A user opens the single chat (enter_chat); returns the req_id a welcome must carry. */
  enterChat(from: string): string {
    const callback: Callback = {
      reqId: nextId('req'),
      replied: true,
      body: { msgid: nextId('msg'), aibotid: this.bot.botId, from: { userid: from }, msgtype: 'event', event: { eventtype: 'enter_chat' } },
    };
    this.push('aibot_event_callback', callback);
    return callback.reqId;
  }

  /** A user clicks a card's button (template_card_event); returns the req_id an update must carry. */
  clickCard(from: string, eventKey: string, taskId: string): string {
    const callback: Callback = {
      reqId: nextId('req'),
      replied: true,
      body: {
        msgid: nextId('msg'),
        aibotid: this.bot.botId,
        chattype: 'single',
        from: { userid: from },
        msgtype: 'event',
        event: {
          eventtype: 'template_card_event',
          template_card_event: { card_type: 'button_interaction', event_key: eventKey, task_id: taskId },
        },
      },
    };
    this.push('aibot_event_callback', callback);
    return callback.reqId;
  }

  /** The frames of one message's stream, in order. */
  framesOf(msgid: string): StreamFrameSeen[] {
    return this.streamFrames.filter((f) => f.msgid === msgid);
  }

  async close(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }
}

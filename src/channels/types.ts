import type Router from '@koa/router';

/**
 * The one contract between a channel and the rest of kefu-hub. A channel turns platform callbacks
 * into InboundMessages (handing each to `accept`) and sends outbound text through its platform.
 * Everything platform-specific — wire formats, crypto, tokens, error codes — stays in its folder.
 */

export type ChannelKind = 'wecom' | 'wechat-mp' | 'wecom-kf' | 'web';

/**
 * Where the file of a platform's MediaId ended up, set by the worker after the ack
 * (src/media/fetch-inbound-media.ts): the id in the media store, or why it could not be fetched.
 */
export interface MediaStoreRef {
  mediaStoreId?: string;
  mediaError?: string;
}

export type InboundContent =
  | { type: 'text'; text: string }
  | ({ type: 'image'; mediaId?: string; url?: string } & MediaStoreRef)
  | ({ type: 'voice'; mediaId: string; format?: string; recognition?: string } & MediaStoreRef)
  | ({ type: 'video'; mediaId: string; thumbMediaId?: string } & MediaStoreRef)
  | ({ type: 'file'; mediaId?: string; fileName?: string; url?: string } & MediaStoreRef)
  | { type: 'location'; latitude: number; longitude: number; scale?: number; label?: string }
  | { type: 'link'; title: string; description?: string; url: string }
  | { type: 'event'; event: string; eventKey?: string; detail?: Record<string, string> };

export interface InboundMessage {
  channel: ChannelKind;
  /** Account name as in routes and config (`default` for the env-configured one). */
  accountName: string;
  /** The platform's id of the customer (WeCom UserID, openid, external_userid, visitor id). */
  customerExternalId: string;
  /** The platform's message id, when it gives one. */
  platformMessageId?: string;
  /** Retries of one platform callback carry the same key; unique per account. */
  dedupeKey: string;
  /** When the platform says the customer sent it. */
  sentAt: Date;
  content: InboundContent;
}

export type AcceptResult =
  | { outcome: 'accepted'; messageId: number; conversationId: number }
  | { outcome: 'duplicate'; messageId?: number }
  /** Not a customer's: a staff member answering from the platform (docs/agents.md, "Answering from WeCom"). */
  | { outcome: 'staff_reply' };

/**
 * Stores an inbound message durably and queues it. Resolves only once the message is safe; rejects
 * (UnavailableError) when it cannot be kept, so the channel answers 5xx and the platform retries.
 */
export type AcceptInbound = (message: InboundMessage) => Promise<AcceptResult>;

export interface OutboundRecipient {
  accountName: string;
  customerExternalId: string;
}

export interface SendReceipt {
  platformMessageId?: string;
}

/** A reply while the brain is still writing it. */
export interface ReplyDraft {
  /** The customer message the reply will answer (the turn's last one): the reply's `replyTo`. */
  replyTo: number;
  /** The whole text so far; empty when the turn ended and the draft should go (no reply, or it came). */
  text: string;
}

export interface ChannelSender {
  /** Splits a reply into parts this platform delivers whole, in order. */
  splitText(text: string): string[];
  /**
   * Sends one part. Throws DeliveryError (retryable or not) on failure. `deliveryId` identifies the
   * part across resends: after a crash the same part is sent again with the same id, and channels
   * whose platform offers a duplicate check use it to make that resend harmless.
   */
  sendText(to: OutboundRecipient, text: string, deliveryId: number): Promise<SendReceipt>;
}

/** Whether a customer's turn may use the model: a channel's budget says no when one it keeps is spent. */
export type ModelAllowance = { allowed: true } | { allowed: false; spent: string };

/** Model tokens a channel lets its customers spend (the web widget's daily budgets). */
export interface ModelTokenBudget {
  /** Asked before a turn; not allowed = the turn is answered from the knowledge base only. */
  allowance(to: OutboundRecipient): Promise<ModelAllowance>;
  /** Records the tokens a turn's model calls spent. */
  spend(to: OutboundRecipient, tokens: number): Promise<void>;
}

/** What a platform lets us send now, after the customer's last message (see Channel.replyWindow). */
export interface ReplyWindowInput {
  /** When the customer last wrote (a message, not an event); null if never in this conversation. */
  lastCustomerMessageAt: Date | null;
  /** Messages we sent the platform since then (each part of a reply counts). */
  sentSince: number;
  now: Date;
}

export interface ReplyWindowState {
  open: boolean;
  /** When the window ends, if it is open. */
  closesAt?: Date;
  /** Messages left in the window, and how many it allows. */
  remaining?: number;
  limit?: number;
  /** Why it is closed: `window_closed` (too long since the customer wrote) or `quota_spent`. */
  reason?: 'window_closed' | 'quota_spent';
}

/** A member of the company answering in the platform's own client (微信客服 servicers in WeCom). */
export interface ClientServicer {
  userId: string;
}

/**
 * Optional: the platform's own agent client (微信客服's WeCom client). `onDuty` lists who may take a
 * conversation now; `handOver` gives them the customer's session. handOver refuses with a
 * RejectedRequestError (409) when that person is not on duty.
 */
export interface ClientServicers {
  onDuty(to: OutboundRecipient): Promise<ClientServicer[]>;
  handOver(to: OutboundRecipient, servicerUserId: string): Promise<void>;
}

export interface Channel {
  kind: ChannelKind;
  /** Account names this channel serves, with non-secret settings worth recording. */
  accounts(): Array<{ name: string; settings: Record<string, unknown> }>;
  /** Registers the inbound routes (callbacks) on the API router. */
  registerRoutes(router: Router): void;
  sender: ChannelSender;
  /**
   * Optional: the bot starts working on a turn (e.g. show "typing"). Best effort: a failure is
   * logged and never delays or fails the turn.
   */
  onTurnStart?(to: OutboundRecipient): Promise<void>;
  /**
   * Optional: shows a reply growing while the brain writes it (the web widget); platforms that take
   * only whole messages leave it out. Drafts are ephemeral: the stored reply is what counts. Best
   * effort: a failure is logged and never delays or fails the turn.
   */
  onDraft?(to: OutboundRecipient, draft: ReplyDraft): Promise<void>;
  /**
   * Optional: the conversation was flagged for a human (brain handoff or permanent delivery
   * failure). Platforms with their own agent routing (WeCom kf service_state) move the session
   * there. Best effort: a failure is logged; the conversation stays flagged either way.
   */
  onHandoff?(to: OutboundRecipient, reason: string): Promise<void>;
  /**
   * Optional: sends a text to staff who are members of this platform (a WeCom app's members: the
   * on-duty agents told of a waiting conversation, or answered after replying from there).
   * `memberIds` are the platform's ids; `noticeId` names the notice across resends, for platforms
   * whose duplicate check makes a resend harmless. Throws DeliveryError (retryable or not).
   */
  notifyStaff?(accountName: string, memberIds: string[], text: string, noticeId: number): Promise<void>;
  /**
   * Optional: the file of a MediaId the platform sent, fetched by the worker after the callback was
   * acknowledged. Throws when the platform cannot give it (expired, unknown); the turn goes on.
   */
  fetchMedia?(accountName: string, mediaId: string): Promise<{ contentType: string; bytes: Buffer }>;
  /**
   * Optional: ends long-lived client connections (the web widget's event streams) when shutdown
   * begins, so the HTTP server can close; clients reconnect to another process.
   */
  endLiveConnections?(): Promise<void>;
  /**
   * Optional: the platform's rule for when we may write to a customer (a window after their last
   * message, a message quota in it). Pure: the inputs come from the history. Without it, always open.
   */
  replyWindow?(input: ReplyWindowInput): ReplyWindowState;
  /** Optional: hand conversations to the company's agents in the platform's own client. */
  servicers?: ClientServicers;
  /**
   * Optional: the customer's client shows who serves them (the web widget): a person taking the
   * conversation, or handing it back to the bot, is stored as a system line and delivered
   * (src/conversations/staff-lines.ts). Platforms that count every message against a quota leave it out.
   */
  showsStaffChanges?: boolean;
  /** Optional: holds this channel's customers to a model-token budget; without one the model always answers. */
  modelBudget?: ModelTokenBudget;
}

import type Router from '@koa/router';

/**
 * The one contract between a channel and the rest of kefu-hub. A channel turns platform callbacks
 * into InboundMessages (handing each to `accept`) and sends outbound text through its platform.
 * Everything platform-specific — wire formats, crypto, tokens, error codes — stays in its folder.
 */

export type ChannelKind = 'wecom' | 'wechat-mp' | 'wecom-kf' | 'wecom-aibot' | 'web';

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

/**
 * Optional: broadcasts (群发, src/broadcasts/) to one customer at a time, outside any turn. `reach`
 * is when the platform lets us write unasked: `reply_window` — only while Channel.replyWindow is
 * open, each broadcast counting against its quota (微信客服, the Official Account's custom/send);
 * `open_session` — only to a customer whose client is connected now (`connected`; the web widget).
 */
export interface ChannelBroadcasts {
  reach: 'reply_window' | 'open_session';
  /** For each customer, in order: is their client connected now. Many at once, for a forecast of a whole audience. */
  connected?(to: OutboundRecipient[]): Promise<boolean[]>;
  /**
   * Sends the broadcast, stored as message `messageId` in the customer's conversation, as one
   * platform message. Throws DeliveryError (its code is the recipient's errcode). Never resent.
   */
  send(to: OutboundRecipient, text: string, messageId: number): Promise<SendReceipt>;
}

/** A tag in a platform's tag library (WeCom corp tags), as the platform names it. */
export interface PlatformTag {
  id: string;
  name: string;
  groupId: string;
  groupName: string;
}

/**
 * Optional: the platform's own library of customer tags (WeCom 企业客户标签), synced with ours
 * (src/audience/sync-corp-tags.ts). Calls are throttled to the platform's limits; a failure a retry
 * can help is a retryable DeliveryError. `rename` and `remove` refuse a tag another app created
 * with a RejectedRequestError `tag_read_only` (409).
 */
export interface PlatformTagLibrary {
  /** The account whose library is synced (one per deployment: the tags are the company's). */
  accountName: string;
  list(): Promise<PlatformTag[]>;
  create(groupName: string, name: string): Promise<PlatformTag>;
  rename(id: string, name: string): Promise<void>;
  remove(ids: string[]): Promise<void>;
  /** Calls `listener` whenever the platform says its library changed (WeCom's change_external_tag event). */
  onChanged(listener: () => void): void;
}

/**
 * Optional: the platform keeps tags on its users (Official Account user tags): a tag put on or taken
 * off one of this channel's customers here is put on or taken off there too, by name
 * (src/audience/push-customer-tags.ts). Refuses with a RejectedRequestError `platform_tag_limit`
 * when the platform's limits forbid it, before calling; a retryable DeliveryError when a retry can help.
 */
export interface PlatformCustomerTags {
  /** `platformTagId`: the platform's id of the tag when the catalog is synced with its library (WeCom corp tags), else null. */
  apply(to: OutboundRecipient, change: { tag: string; add: boolean; platformTagId: string | null }): Promise<void>;
}

/** A member of the company who added a customer (WeCom 跟进成员), with their remark and the corp tags they set. */
export interface PlatformContactFollow {
  userId: string;
  remark: string;
  addedAt: Date;
  /** Ids in the platform's tag library (PlatformTag.id). */
  tagIds: string[];
}

/** A customer the company's members added on the platform (WeCom 外部联系人), as the platform has them now. */
export interface PlatformContact {
  externalUserId: string;
  name: string;
  avatar?: string;
  follows: PlatformContactFollow[];
}

/**
 * Optional: the platform's list of the company's customers (WeCom 客户联系), imported and kept
 * current (src/audience/keep-wecom-contacts.ts). Calls are throttled to the platform's limits; a
 * failure a retry can help is a retryable DeliveryError.
 */
export interface PlatformContacts {
  /** The account the contacts are kept under (one per deployment: they are the company's). */
  accountName: string;
  /** One contact now, or null when no member has them any more. */
  fetch(externalUserId: string): Promise<PlatformContact | null>;
  /** The members who may have contacts, in a stable order. */
  members(): Promise<string[]>;
  /** How many members one `page` call takes at most. */
  membersPerPage: number;
  /** One page of the contacts of `memberIds`: each with the one follow of the member it was listed under. */
  page(memberIds: string[], cursor: string): Promise<{ contacts: PlatformContact[]; nextCursor: string }>;
  /** Calls `listener` when the platform says a contact changed; a rejected listener fails the callback (the platform retries). */
  onChanged(listener: (externalUserId: string) => Promise<void>): void;
}

/** A listed contact's outcome in a group-send task, as far as the platform knows now. */
export type GroupSendOutcome = 'waiting' | 'sent' | 'not_contact' | 'limit_reached';

/**
 * Optional: broadcasts to the company's external contacts (PlatformContacts) as tasks, one per member,
 * that the member confirms in the platform's own client before anything is sent (WeCom 企业群发,
 * src/broadcasts/send-wecom-group-tasks.ts). Throws DeliveryError (its code is the errcode).
 */
export interface PlatformGroupSends {
  /** The account whose customers the contacts are (PlatformContacts.accountName). */
  accountName: string;
  /** Contacts one task may list at most. */
  maxPerTask: number;
  /** Creates `sender`'s task; `failed`: the contacts the platform refused at once (not theirs, unknown). */
  create(sender: string, externalUserIds: string[], text: string): Promise<{ taskId: string; failed: string[] }>;
  /** Each listed contact's outcome so far. */
  results(taskId: string, sender: string): Promise<Array<{ externalUserId: string; outcome: GroupSendOutcome; sentAt?: Date }>>;
}

/** What the platform said when a mass send finished (the Official Account's MASSSENDJOBFINISH event). */
export interface MassSendReport {
  accountName: string;
  msgId: string;
  /** `send success`, `send fail` or `err(num)` (a content review refusal). */
  status: string;
  totalCount: number;
  filterCount: number;
  sentCount: number;
  errorCount: number;
}

/**
 * Optional: one message to every follower carrying a platform user tag (Official Account 群发 by tag,
 * src/broadcasts/send-oa-mass-sends.ts). The platform applies its own limits, which `limit` states so
 * a send past them is refused here. Throws DeliveryError (its code is the errcode).
 */
export interface PlatformMassSends {
  /** Per account: `daily` — one mass send a day (订阅号); `monthly_per_user` — each follower gets `count` a month (服务号). */
  limit(accountName: string): { kind: 'daily' | 'monthly_per_user'; count: number };
  /** The platform's id of the user tag named `tagName` and the ids of the users who carry it; null when the account has no such tag. */
  tagFollowers(accountName: string, tagName: string): Promise<{ tagId: string; followers: string[] } | null>;
  /** Sends `text` to the tag; `clientMsgId` lets the platform refuse a repeat. Answers the platform's message id. */
  sendToTag(accountName: string, tagId: string, text: string, clientMsgId: string): Promise<{ msgId: string }>;
  /** Calls `listener` when the platform says a mass send finished; a rejected listener fails the callback (the platform retries). */
  onFinished(listener: (report: MassSendReport) => Promise<void>): void;
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
  /** Optional: this channel's customers can get broadcasts (群发); without it they are skipped. */
  broadcasts?: ChannelBroadcasts;
  /** Optional: the platform's customer tag library, synced with the tag catalog. */
  tagLibrary?: PlatformTagLibrary;
  /** Optional: the platform's tags on this channel's customers, kept like ours. */
  customerTags?: PlatformCustomerTags;
  /** Optional: the company's customers on the platform (WeCom external contacts), imported as this channel's customers. */
  contacts?: PlatformContacts;
  /** Optional: broadcasts to those contacts as tasks their members confirm (WeCom 企业群发). */
  groupSends?: PlatformGroupSends;
  /** Optional: broadcasts to a user tag as one platform mass send (Official Account 群发). */
  massSends?: PlatformMassSends;
}

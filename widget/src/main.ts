import { ApiError, ChatApi, newClientId, type ChatMessage, type Session } from './api.ts';
import { fill, pickTexts } from './i18n.ts';
import { ReplyStream } from './stream.ts';
import { ChatView, type ShownMessage } from './view.ts';

/**
 * kefu-hub's chat widget. Embed with
 *   <script src="https://kefu.example.com/widget.js" data-kefu-id="PUBLIC_ID" async></script>
 * Optional: data-lang="zh|en"; data-user-id + data-user-exp + data-user-signature (computed by the
 * company's server, docs/channels.md) so a signed-in customer's history follows them.
 */
function start(script: HTMLScriptElement): void {
  const publicId = script.dataset.kefuId;
  if (!publicId) return;
  const api = new ChatApi(new URL(script.src, location.href).origin, publicId);
  const t = pickTexts(script.dataset.lang);
  const userId = script.dataset.userId;
  const signature = script.dataset.userSignature;
  const exp = script.dataset.userExp ? Number(script.dataset.userExp) : undefined;
  // One visitor per browser and widget, shared by every tab (localStorage); the panel's open state per tab.
  const anonymousKey = `kefu-hub:${api.root}:visitor`;
  const tokenKey = userId ? `kefu-hub:${api.root}:user:${userId}` : anonymousKey;
  const openKey = `kefu-hub:${api.root}:open`;

  let session: Session | undefined;
  let starting: Promise<void> | undefined;
  let newestId = 0;
  let oldestId = 0;
  const outbox = new Map<string, ShownMessage & { file?: File }>();
  // Turns whose reply is shown: a draft of theirs arriving late (after a catch-up) is stale.
  const answered = new Set<number>();

  // Storage can be off (private mode, blocked cookies): the chat still works for this page view.
  const remember = (key: string, value: string | undefined, storage = 'localStorage' as 'localStorage' | 'sessionStorage') => {
    try {
      if (value === undefined) window[storage].removeItem(key);
      else window[storage].setItem(key, value);
    } catch {
      /* not kept */
    }
  };
  const recall = (key: string, storage = 'localStorage' as 'localStorage' | 'sessionStorage') => {
    try {
      return window[storage].getItem(key) ?? undefined;
    } catch {
      return undefined;
    }
  };

  let renewing: Promise<void> | undefined;
  const renewSession = () =>
    (renewing ??= startSession().finally(() => {
      renewing = undefined;
    }));

  async function startSession(): Promise<void> {
    // Sessions live an hour: this page's renews itself (the company's signature may have expired by now).
    if (session) {
      try {
        return keep(await api.session({ token: session.token }));
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
      }
    }
    // A visitor who signs in brings what they wrote anonymously in this browser along, once
    // (the server moves it when the token and the signed user id are both valid).
    const stored = recall(anonymousKey);
    const user = userId ? { userId, exp, signature } : {};
    try {
      keep(await api.session({ ...user, token: stored }));
    } catch (err) {
      // A stored token that no longer works (secret rotated, revoked, long expired): go on without it.
      if (!(err instanceof ApiError) || err.status !== 401 || !stored) throw err;
      keep(await api.session(user));
    }
    if (userId) remember(anonymousKey, undefined);
  }

  function keep(fresh: Session): void {
    session = fresh;
    remember(tokenKey, fresh.token);
    if (fresh.appearance) view.applyAppearance(fresh.appearance);
    if (fresh.greeting) view.greet(fresh.greeting);
  }

  /** The session token, renewed first when it expires within two minutes. */
  async function token(): Promise<string> {
    if (!session || Date.parse(session.expiresAt) - Date.now() < 120_000) await renewSession();
    return session!.token;
  }

  const receive = (message: ChatMessage, fresh = true) => {
    newestId = Math.max(newestId, message.id);
    oldestId = oldestId ? Math.min(oldestId, message.id) : message.id;
    if (message.clientId) outbox.delete(message.clientId);
    if (message.replyTo) answered.add(message.replyTo);
    if (!view.has(message.id)) view.show(message, fresh);
  };

  const stream = new ReplyStream({
    url: async () => api.streamUrl(await token(), newestId),
    message: (m) => receive(m),
    typing: (active) => view.typing(active),
    draft: (d) => {
      if (!answered.has(d.replyTo)) view.draft(d);
    },
    connected: (live) => {
      view.status(live ? '' : t.reconnecting);
      // Drafts are not replayed: one whose end was missed while offline would stay forever.
      if (!live) view.dropDrafts();
    },
    renewSession,
  });

  function ensureStarted(): Promise<void> {
    starting ??= (async () => {
      await renewSession();
      const { messages, hasMore } = await api.history(await token());
      for (const m of messages) receive(m, false);
      view.offerEarlier(hasMore);
      await stream.open();
    })().catch((err) => {
      starting = undefined;
      view.status(t.unavailable);
      throw err;
    });
    return starting;
  }

  /** What to tell the visitor about a failed request. */
  function explanation(err: unknown): string {
    if (!(err instanceof ApiError)) return t.unavailable;
    if (err.status === 429) return fill(t.rateLimited, err.retryAfterSeconds ?? 60);
    if (err.code === 'message_too_long') return fill(t.tooLong, session?.limits.maxMessageChars ?? '');
    if (err.code === 'file_too_large') return fill(t.tooLarge, Math.floor((session?.limits.maxUploadBytes ?? 0) / 1048576));
    return t.unavailable;
  }

  async function deliver(clientId: string): Promise<void> {
    const pending = outbox.get(clientId);
    if (!pending) return;
    view.show({ ...pending, state: 'sending' });
    try {
      await ensureStarted();
      const { message } = pending.file
        ? await api.upload(await token(), clientId, pending.file)
        : await api.send(await token(), clientId, pending.text);
      view.status('');
      outbox.delete(clientId);
      if (!view.has(message.id)) view.show(message);
    } catch (err) {
      // The same client id on retry: the server stores the message once however often it is sent.
      view.show({ ...pending, state: 'failed' });
      view.status(explanation(err));
    }
  }

  const queue = (message: ShownMessage & { file?: File }) => {
    outbox.set(message.clientId!, message);
    void deliver(message.clientId!);
  };

  const view = new ChatView(t, {
    opened: () => {
      remember(openKey, '1', 'sessionStorage');
      ensureStarted().catch(() => undefined);
    },
    submit: (text) => {
      const max = session?.limits.maxMessageChars;
      if (max && [...text].length > max) return view.status(fill(t.tooLong, max));
      view.clearInput();
      queue({ clientId: newClientId(), from: 'customer', kind: 'text', text, at: new Date().toISOString() });
    },
    attach: (file) => {
      const max = session?.limits.maxUploadBytes;
      if (max && file.size > max) return view.status(fill(t.tooLarge, Math.floor(max / 1048576)));
      queue({
        clientId: newClientId(),
        from: 'customer',
        kind: 'file',
        text: `${t.uploading} ${file.name}`,
        at: new Date().toISOString(),
        file,
      });
    },
    closed: () => remember(openKey, undefined, 'sessionStorage'),
    earlier: async () => {
      try {
        const { messages, hasMore } = await api.history(await token(), oldestId);
        oldestId = Math.min(oldestId, ...messages.map((m) => m.id));
        view.showEarlier(messages.filter((m) => !view.has(m.id)));
        view.offerEarlier(hasMore);
      } catch (err) {
        view.status(explanation(err));
      }
    },
    retry: (clientId) => void deliver(clientId),
    rate: async (messageId, rating) => api.rate(await token(), messageId, rating),
    fileUrl: async (path) => api.fileUrl(await token(), path),
  });

  // A returning visitor gets their history and live replies at once; a new one only once they open the chat.
  if (recall(openKey, 'sessionStorage')) view.open();
  else if (recall(tokenKey)) ensureStarted().catch(() => undefined);
}

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-kefu-id]');
if (script) {
  if (document.body) start(script);
  else addEventListener('DOMContentLoaded', () => start(script));
}

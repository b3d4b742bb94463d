import type { Appearance, ChatMessage, ReplyDraft } from './api.ts';
import { fill, type Texts } from './i18n.ts';
import { styles } from './styles.ts';

export interface ShownMessage extends Omit<ChatMessage, 'id'> {
  id?: number;
  /** Sent by this widget and not yet confirmed by the server, or refused. */
  state?: 'sending' | 'failed';
}

export interface ViewHandlers {
  opened(): void;
  closed(): void;
  earlier(): void;
  submit(text: string): void;
  attach(file: File): void;
  retry(clientId: string): void;
  /** The visitor's 👍 (up) or 👎 (down) on a bot answer; resolves once the server stored it. */
  rate(messageId: number, rating: 'up' | 'down'): Promise<unknown>;
  /** A URL that opens the upload for a minute (it carries a download ticket). */
  fileUrl(path: string): Promise<string>;
}

const icon = (path: string) =>
  `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${path}</svg>`;
const chatIcon = icon('<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/>');
const clipIcon = icon('<path d="M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.3 3.3 0 0 1 4.7 4.7L10.2 17.7a1.7 1.7 0 0 1-2.4-2.4L15.5 7.6"/>');
const sendIcon = icon('<path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z"/>');

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

/**
 * The chat bubble and panel, in a shadow root. Messages are kept in id order (pending ones last)
 * and inserted one by one into a role="log" list, so screen readers announce only what is new.
 */
export class ChatView {
  private readonly root: HTMLElement;
  private readonly bubble: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly log: HTMLElement;
  private readonly typingLine: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly titleLine: HTMLElement;
  private readonly subtitleLine: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly earlierButton: HTMLButtonElement;
  private greeting: HTMLElement;
  private readonly items = new Map<string, HTMLElement>();
  private unread = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly t: Texts,
    private readonly on: ViewHandlers,
  ) {
    const host = el('div', { 'data-kefu-hub': '' });
    const shadow = host.attachShadow({ mode: 'open' });
    const style = el('style');
    style.textContent = styles;
    this.root = el('div', { class: 'kh', lang: t.lang });

    this.bubble = el('button', {
      class: 'bubble',
      type: 'button',
      'aria-label': t.open,
      'aria-expanded': 'false',
      'aria-controls': 'kh-panel',
    });
    this.bubble.innerHTML = chatIcon;
    this.badge = el('span', { class: 'badge', hidden: '' });
    this.bubble.append(this.badge);

    this.panel = el('section', { class: 'panel', id: 'kh-panel', role: 'dialog', 'aria-labelledby': 'kh-title', hidden: '' });
    const header = el('header');
    const titles = el('div');
    this.titleLine = el('h2', { id: 'kh-title' }, t.title);
    this.subtitleLine = el('p', {}, t.subtitle);
    titles.append(this.titleLine, this.subtitleLine);
    const close = el('button', { class: 'close', type: 'button', 'aria-label': t.close }, '×');
    header.append(titles, close);

    this.log = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages });
    this.greeting = this.renderItem({ from: 'bot', kind: 'text', text: t.greeting, at: '' });
    this.log.append(this.greeting);
    this.typingLine = el('div', { class: 'typing', role: 'status', hidden: '' }, t.typing);
    this.statusLine = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });

    const form = el('form');
    const label = el('label', { class: 'visually-hidden', for: 'kh-input' }, t.input);
    this.input = el('textarea', { id: 'kh-input', rows: '1', placeholder: t.placeholder, enterkeyhint: 'send' });
    const fileInput = el('input', {
      type: 'file',
      class: 'visually-hidden',
      tabindex: '-1',
      'aria-hidden': 'true',
      accept: 'image/*,.pdf,.txt,.doc,.docx,.xls,.xlsx,.zip',
    });
    const attach = el('button', { class: 'icon', type: 'button', 'aria-label': t.attach, title: t.attach });
    attach.innerHTML = clipIcon;
    const send = el('button', { class: 'icon send', type: 'submit', 'aria-label': t.send, title: t.send });
    send.innerHTML = sendIcon;
    form.append(label, attach, fileInput, this.input, send);

    this.earlierButton = el('button', { class: 'earlier', type: 'button', hidden: '' }, t.earlier);
    this.earlierButton.addEventListener('click', () => this.on.earlier());
    this.panel.append(header, this.statusLine, this.earlierButton, this.log, this.typingLine, form);
    this.root.append(this.panel, this.bubble);
    shadow.append(style, this.root);
    document.body.append(host);

    this.bubble.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    close.addEventListener('click', () => this.close());
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.preventDefault();
        this.close();
      }
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; Enter that confirms an IME composition (拼音) does neither.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.on.submit(text);
    });
    attach.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) this.on.attach(file);
    });
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  /**
   * The account's colour and header words (set on the console's 渠道 page). Set through the DOM,
   * not markup: a company page's CSP that forbids inline style attributes still allows it.
   */
  applyAppearance(look: Appearance): void {
    if (look.color && /^#[0-9a-fA-F]{6}$/.test(look.color)) this.root.style.setProperty('--kh-accent', look.color);
    if (look.title) this.titleLine.textContent = look.title;
    if (look.subtitle !== undefined) this.subtitleLine.textContent = look.subtitle;
  }

  open(): void {
    this.panel.hidden = false;
    this.root.classList.add('open');
    this.bubble.setAttribute('aria-expanded', 'true');
    this.bubble.setAttribute('aria-label', this.t.close);
    this.unread = 0;
    this.badge.hidden = true;
    this.scrollToEnd();
    this.input.focus();
    this.on.opened();
  }

  close(): void {
    this.panel.hidden = true;
    this.root.classList.remove('open');
    this.bubble.setAttribute('aria-expanded', 'false');
    this.bubble.setAttribute('aria-label', this.t.open);
    this.bubble.focus();
    this.on.closed();
  }

  /** Offers older history (more than the first page exists). */
  offerEarlier(more: boolean): void {
    this.earlierButton.hidden = !more;
  }

  /** Shows older messages above the current ones, keeping what the visitor was reading in place. */
  showEarlier(messages: ShownMessage[]): void {
    const fromBottom = this.log.scrollHeight - this.log.scrollTop;
    for (const m of messages) this.show(m, false, false);
    this.log.scrollTop = this.log.scrollHeight - fromBottom;
  }

  /** The company's greeting from the bot's settings, in place of the built-in one. */
  greet(text: string): void {
    const item = this.renderItem({ from: 'bot', kind: 'text', text, at: '' });
    this.greeting.replaceWith(item);
    this.greeting = item;
  }

  clearInput(): void {
    this.input.value = '';
  }

  status(text: string): void {
    this.statusLine.textContent = text;
  }

  typing(active: boolean): void {
    clearTimeout(this.typingTimer);
    this.typingLine.hidden = !active;
    // A reply that never comes (the bot handed over to a person) must not leave "typing" forever.
    if (active) this.typingTimer = setTimeout(() => (this.typingLine.hidden = true), 20_000);
  }

  /**
   * Shows a reply growing at the end of the log while it is written; empty text removes it. Hidden
   * from screen readers, which announce the final message once instead of every draft.
   */
  draft(d: ReplyDraft): void {
    const key = `d:${d.replyTo}`;
    const existing = this.items.get(key);
    if (d.text === '') {
      existing?.remove();
      this.items.delete(key);
      return;
    }
    this.typing(false);
    if (existing) {
      existing.querySelector('.body')!.textContent = d.text;
      return;
    }
    const item = this.renderItem({ from: d.from, kind: 'text', text: d.text, at: '' });
    item.classList.add('draft');
    item.setAttribute('aria-hidden', 'true');
    this.items.set(key, item);
    this.log.append(item);
    this.scrollToEnd();
  }

  dropDrafts(): void {
    for (const [key, item] of this.items) {
      if (!key.startsWith('d:')) continue;
      item.remove();
      this.items.delete(key);
    }
  }

  /**
   * Adds or updates a message; a confirmed message replaces its pending copy (same clientId), a
   * reply the draft it was written as (same replyTo).
   * `fresh` replies count as unread while the panel is closed; restored history does not.
   * `scroll` follows the conversation to its end (not when older messages are added above).
   */
  show(message: ShownMessage, fresh = true, scroll = true): void {
    const key = message.id !== undefined ? `id:${message.id}` : `c:${message.clientId}`;
    const pendingKey = message.clientId ? `c:${message.clientId}` : undefined;
    for (const stale of [pendingKey, message.replyTo && `d:${message.replyTo}`]) {
      if (message.id === undefined || !stale || !this.items.has(stale)) continue;
      this.items.get(stale)!.remove();
      this.items.delete(stale);
    }
    const existing = this.items.get(key);
    const item = this.renderItem(message);
    if (message.id !== undefined) item.dataset.id = String(message.id);
    this.items.set(key, item);
    if (existing) {
      existing.replaceWith(item);
      return;
    }
    const next =
      message.id === undefined
        ? undefined
        : [...this.log.children].find((c) => {
            const id = (c as HTMLElement).dataset.id;
            return id === undefined ? c !== this.log.firstElementChild : Number(id) > message.id!;
          });
    this.log.insertBefore(item, next ?? null);
    if (message.from !== 'customer') {
      this.typing(false);
      if (!this.isOpen && fresh) {
        this.unread += 1;
        this.badge.textContent = String(this.unread);
        this.badge.hidden = false;
        this.bubble.setAttribute('aria-label', `${this.t.open}（${fill(this.t.unread, this.unread)}）`);
      }
    }
    if (scroll) this.scrollToEnd();
  }

  has(id: number): boolean {
    return this.items.has(`id:${id}`);
  }

  private renderItem(m: ShownMessage): HTMLElement {
    const item = el('li', { class: `msg ${m.from}${m.state ? ` ${m.state}` : ''}` });
    const who = { customer: this.t.you, bot: this.t.bot, agent: this.t.agent, system: this.t.system }[m.from];
    item.append(el('span', { class: 'who' }, who));
    const body = el('div', { class: 'body' });
    const path = m.attachment?.url;
    if (path && m.kind === 'image') {
      // Loaded at once, not lazily: the ticket in its URL lasts a minute.
      const img = el('img', { alt: m.attachment!.name ?? this.t.image });
      this.on.fileUrl(path).then(
        (url) => img.setAttribute('src', url),
        () => undefined,
      );
      body.append(img);
    } else if (path) {
      const link = el('a', { href: '#' }, `📎 ${m.attachment!.name ?? this.t.file}`);
      // A fresh ticket when the visitor opens it, however long after the message came. The tab is
      // opened during the click (Safari blocks one opened after an await) and cut from this page.
      link.addEventListener('click', (e) => {
        e.preventDefault();
        const tab = open('', '_blank');
        if (!tab) return;
        tab.opener = null;
        this.on.fileUrl(path).then(
          (url) => tab.location.replace(url),
          () => tab.close(),
        );
      });
      body.append(link);
    } else {
      body.textContent = m.text;
    }
    item.append(body);
    if (m.from === 'bot' && m.id !== undefined) item.append(this.ratingButtons(m.id));
    if (m.state === 'sending') item.append(el('span', { class: 'state' }, this.t.sending));
    if (m.state === 'failed' && m.clientId) {
      const retry = el('button', { class: 'state', type: 'button' }, this.t.failed);
      const clientId = m.clientId;
      retry.addEventListener('click', () => this.on.retry(clientId));
      item.append(retry);
    }
    return item;
  }

  /** 👍/👎 under a bot answer: the pressed one shows, and a second click on the other changes the vote. */
  private ratingButtons(messageId: number): HTMLElement {
    const group = el('span', { class: 'rate', role: 'group', 'aria-label': this.t.rate });
    for (const [rating, label, face] of [
      ['up', this.t.helpful, '👍'],
      ['down', this.t.unhelpful, '👎'],
    ] as const) {
      const button = el('button', { type: 'button', 'aria-label': label, 'aria-pressed': 'false', 'data-rating': rating }, face);
      button.addEventListener('click', () =>
        this.on.rate(messageId, rating).then(
          () => {
            for (const b of group.children) b.setAttribute('aria-pressed', String(b === button));
          },
          () => this.status(this.t.unavailable),
        ),
      );
      group.append(button);
    }
    return group;
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

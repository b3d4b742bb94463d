import type { ChatMessage, ReplyDraft } from './api.ts';

export interface StreamHandlers {
  /**
   * The URL to connect to, with a fresh single-use stream ticket and the newest id the widget has
   * (the server sends what follows). Called for every connection: a used ticket opens nothing.
   */
  url(): Promise<string>;
  message(message: ChatMessage): void;
  typing(active: boolean, from: string): void;
  /** A reply as it is being written (not replayed after a reconnect). */
  draft(draft: ReplyDraft): void;
  /** true once caught up and live; false while reconnecting. */
  connected(live: boolean): void;
  /** Called before a retry after repeated failures: the token may be stale. */
  renewSession(): Promise<void>;
}

/**
 * The visitor's event stream with its own reconnect: on any error the EventSource is closed and
 * reopened after an exponential backoff with jitter (1 s … 30 s), from the newest message id the
 * widget holds, so what was missed arrives in order and nothing twice.
 */
export class ReplyStream {
  private source: EventSource | undefined;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly on: StreamHandlers) {
    addEventListener('online', () => this.reconnectNow());
  }

  async open(): Promise<void> {
    this.stopped = false;
    this.source?.close();
    if (this.failures >= 3) await this.on.renewSession().catch(() => undefined);
    const source = new EventSource(await this.on.url());
    this.source = source;
    source.addEventListener('message', (e) => this.on.message(JSON.parse((e as MessageEvent<string>).data) as ChatMessage));
    source.addEventListener('typing', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { active: boolean; from: string };
      this.on.typing(data.active, data.from);
    });
    source.addEventListener('delta', (e) => this.on.draft(JSON.parse((e as MessageEvent<string>).data) as ReplyDraft));
    source.addEventListener('ready', () => {
      this.failures = 0;
      this.on.connected(true);
    });
    source.onerror = () => {
      if (this.source !== source) return;
      source.close();
      this.source = undefined;
      this.on.connected(false);
      this.schedule();
    };
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.failures += 1;
    const delay = Math.min(30_000, 1000 * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open().catch(() => this.schedule());
    }, delay);
  }

  private reconnectNow(): void {
    if (this.stopped || this.source) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open().catch(() => this.schedule());
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
  }
}

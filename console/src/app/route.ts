import { useSyncExternalStore } from 'react';

/**
 * The console's places: the inbox (/console/), one conversation (/console/conversations/:id) and
 * the quick replies' settings (/console/quick-replies), in the address bar so a link (e.g. from a WeCom message) opens it
 * and Back returns. The server answers every /console path with the app (src/http/console-assets.ts).
 */
const BASE = '/console';
const CONVERSATION_PATH = /^\/console\/conversations\/(\d+)\/?$/;
const QUICK_REPLIES_PATH = /^\/console\/quick-replies\/?$/;

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

/** The open conversation's id, or null on the inbox. */
export function useOpenConversationId(): number | null {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  const id = CONVERSATION_PATH.exec(path)?.[1];
  return id ? Number(id) : null;
}

export function useQuickRepliesOpen(): boolean {
  return QUICK_REPLIES_PATH.test(useSyncExternalStore(subscribe, () => window.location.pathname));
}

function go(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function openConversation(id: number | null): void {
  go(id === null ? `${BASE}/` : `${BASE}/conversations/${id}`);
}

export function openQuickReplies(): void {
  go(`${BASE}/quick-replies`);
}

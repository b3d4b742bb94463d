import { useSyncExternalStore } from 'react';

/**
 * The console's two places: the inbox (/console/) and one conversation
 * (/console/conversations/:id), in the address bar so a link (e.g. from a WeCom message) opens it
 * and Back returns. The server answers every /console path with the app (src/http/console-assets.ts).
 */
const BASE = '/console';
const CONVERSATION_PATH = /^\/console\/conversations\/(\d+)\/?$/;

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

export function openConversation(id: number | null): void {
  window.history.pushState(null, '', id === null ? `${BASE}/` : `${BASE}/conversations/${id}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

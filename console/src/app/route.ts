import { useSyncExternalStore } from 'react';

/**
 * The console's places, in the address bar so a link (e.g. from a WeCom message) opens one and
 * Back returns: the inbox (/console/), one conversation (/console/conversations/:id), and the
 * full pages of src/app/pages.tsx (/console/<page>: quick replies, knowledge, audience…). The
 * server answers every /console path with the app (src/http/console-assets.ts).
 */
const BASE = '/console';
const CONVERSATION_PATH = /^\/console\/conversations\/(\d+)\/?$/;
const PAGE_PATH = /^\/console\/([a-z-]+)\/?$/;

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

const usePath = () => useSyncExternalStore(subscribe, () => window.location.pathname);

/** The open conversation's id, or null on the inbox. */
export function useOpenConversationId(): number | null {
  const id = CONVERSATION_PATH.exec(usePath())?.[1];
  return id ? Number(id) : null;
}

/** The name of the full page in the address bar (`knowledge` for /console/knowledge), or null. */
export function useOpenPage(): string | null {
  return PAGE_PATH.exec(usePath())?.[1] ?? null;
}

function go(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function openConversation(id: number | null): void {
  go(id === null ? `${BASE}/` : `${BASE}/conversations/${id}`);
}

export function openPage(name: string): void {
  go(`${BASE}/${name}`);
}

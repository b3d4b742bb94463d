/**
 * Every TanStack Query key of the console, in one place, so the live events (src/live/) invalidate
 * exactly what a change touches. Keys are prefixes of each other on purpose: invalidating
 * `conversation(id)` also refreshes its messages.
 */
export const queryKeys = {
  me: ['me'] as const,
  users: ['users'] as const,
  allConversations: ['conversations'] as const,
  inboxes: ['conversations', 'inbox'] as const,
  inbox: (view: string, filters: { channel?: string; account?: string }) => ['conversations', 'inbox', view, filters] as const,
  conversation: (id: number) => ['conversations', 'one', id] as const,
  messages: (id: number) => ['conversations', 'one', id, 'messages'] as const,
};

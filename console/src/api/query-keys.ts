/**
 * Every TanStack Query key of the console, in one place, so the live events (src/live/) invalidate
 * exactly what a change touches. Keys are prefixes of each other on purpose: invalidating
 * `conversation(id)` also refreshes its messages, and `allConversations` the counts and searches.
 */
export const queryKeys = {
  me: ['me'] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
  duty: ['me', 'duty'] as const,
  quickReplies: (q: string) => ['quick-replies', q] as const,
  allQuickReplies: ['quick-replies'] as const,
  knowledge: (q: string, conversationId: number) => ['knowledge', q, conversationId] as const,
  customers: ['customers'] as const,
  customer: (id: number) => ['customers', id] as const,
  allConversations: ['conversations'] as const,
  inboxes: ['conversations', 'inbox'] as const,
  inbox: (view: string, filters: { channel?: string; account?: string }) => ['conversations', 'inbox', view, filters] as const,
  counts: ['conversations', 'counts'] as const,
  search: (q: string) => ['conversations', 'search', q] as const,
  conversation: (id: number) => ['conversations', 'one', id] as const,
  messages: (id: number) => ['conversations', 'one', id, 'messages'] as const,
  servicers: (id: number) => ['conversations', 'one', id, 'servicers'] as const,
};

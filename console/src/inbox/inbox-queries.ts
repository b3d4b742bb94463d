import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { usePollingWhileOffline } from '../live/live-status';

/**
 * The inbox's tabs, each a `view` of GET /api/conversations (docs/agents.md, "Inbox views"):
 * waiting for a person (longest wait first), held by me, my teams' queue, every open one, and
 * those handed back to the bot. `count` names the field of GET /api/conversations/counts shown
 * on the tab, where the server counts it.
 */
export const INBOX_VIEWS = {
  waiting: { label: '等待人工', count: 'waiting' },
  mine: { label: '我的', count: 'mine' },
  team: { label: '团队', count: undefined },
  all: { label: '全部', count: 'all' },
  resolved: { label: '已解决', count: undefined },
} as const satisfies Record<string, { label: string; count: 'waiting' | 'mine' | 'all' | undefined }>;

export type InboxView = keyof typeof INBOX_VIEWS;

export interface InboxFilters {
  channel?: string;
  account?: string;
}

export function useInbox(view: InboxView, filters: InboxFilters) {
  const refetchInterval = usePollingWhileOffline();
  return useInfiniteQuery({
    queryKey: queryKeys.inbox(view, filters),
    queryFn: ({ pageParam }) =>
      answerOf(
        api.GET('/api/conversations', {
          params: { query: { view, ...filters, limit: 50, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.conversations),
    refetchInterval,
  });
}

/** The tabs' numbers and the caller's unread total, refetched with the lists (src/live/). */
export function useInboxCounts() {
  return useQuery({
    queryKey: queryKeys.counts,
    refetchInterval: usePollingWhileOffline(),
    queryFn: () => answerOf(api.GET('/api/conversations/counts')),
  });
}

/** Full-text search over the conversations the caller may see, each with the snippet that matched. */
export function useConversationSearch(q: string) {
  return useQuery({
    queryKey: queryKeys.search(q),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    queryFn: () => answerOf(api.GET('/api/conversations/search', { params: { query: { q, limit: 30 } } })),
    select: (data) => data.conversations,
  });
}

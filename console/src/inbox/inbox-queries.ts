import { useInfiniteQuery } from '@tanstack/react-query';
import { answerOf, api, type ConversationStatus } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { usePollingWhileOffline } from '../live/live-status';

/**
 * The inbox's tabs, each a `status` of GET /api/conversations: waiting for a person (longest
 * wait first), mine (held by me), every open one, those handed back to the bot (resolved), closed.
 */
export const INBOX_VIEWS = {
  waiting: { label: '等待人工', status: 'needs_human' },
  mine: { label: '我的', status: 'human' },
  all: { label: '全部', status: undefined },
  resolved: { label: '已解决', status: 'bot' },
  closed: { label: '已关闭', status: 'closed' },
} as const satisfies Record<string, { label: string; status: ConversationStatus | undefined }>;

export type InboxView = keyof typeof INBOX_VIEWS;

export interface InboxFilters {
  channel?: string;
  account?: string;
}

export function useInbox(view: InboxView, filters: InboxFilters, userId: number) {
  const { status } = INBOX_VIEWS[view];
  const refetchInterval = usePollingWhileOffline();
  return useInfiniteQuery({
    queryKey: queryKeys.inbox(view, filters),
    queryFn: ({ pageParam }) =>
      answerOf(
        api.GET('/api/conversations', {
          params: { query: { status, ...filters, limit: 50, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Supervisors are answered everyone's held conversations; "mine" keeps the caller's.
    select: (data) => data.pages.flatMap((page) => page.conversations).filter((c) => view !== 'mine' || c.assignee === userId),
    refetchInterval,
  });
}

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';

/**
 * Moves the caller's read marker to the newest message shown, when a conversation is opened and
 * whenever a new one arrives while it is open (POST /api/conversations/{id}/read; docs/agents.md,
 * "Unread"), then refetches the lists and counts that show the unread numbers. A failure only
 * leaves the badge: the marker is a bookmark, nothing to tell the agent about.
 */
export function useMarkRead(id: number, newestMessageId: number | undefined): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (newestMessageId === undefined) return;
    void answerOf(api.POST('/api/conversations/{id}/read', { params: { path: { id } }, body: { messageId: newestMessageId } })).then(
      () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.inboxes });
        void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
      },
      () => undefined,
    );
  }, [id, newestMessageId, queryClient]);
}

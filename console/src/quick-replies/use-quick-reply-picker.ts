import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { App } from 'antd';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { refusalText } from '../conversation/conversation-queries';

/** A reply box holding `/` and no space yet is asking for a quick reply: the rest filters them. */
const PICKING = /^\/(\S*)$/;

export const isPickingQuickReply = (draft: string) => PICKING.test(draft);

/**
 * The quick replies whose shortcut, title or text contains what follows the `/` (GET
 * /api/quick-replies?q=; docs/agents.md, "Quick replies"), and `choose`, which fetches the chosen
 * one's text with its placeholders filled in for this conversation: the server fills them, so the
 * customer gets the same text whoever sends it.
 */
export function useQuickReplyPicker(conversationId: number, draft: string, onFilled: (text: string) => void) {
  const { message } = App.useApp();
  const q = PICKING.exec(draft)?.[1];
  const list = useQuery({
    queryKey: queryKeys.quickReplies(q ?? ''),
    enabled: q !== undefined,
    placeholderData: keepPreviousData,
    queryFn: () => answerOf(api.GET('/api/quick-replies', { params: { query: q ? { q } : {} } })),
    select: (data) => data.quickReplies,
  });
  return {
    picking: q !== undefined,
    quickReplies: q === undefined ? [] : (list.data ?? []),
    async choose(quickReplyId: number): Promise<void> {
      try {
        const { text } = await answerOf(
          api.GET('/api/conversations/{id}/quick-replies/{quickReplyId}', { params: { path: { id: conversationId, quickReplyId } } }),
        );
        onFilled(text);
      } catch (error) {
        void message.error(refusalText(error));
      }
    },
  };
}

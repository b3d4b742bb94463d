import { useQuery } from '@tanstack/react-query';
import { Button, Dropdown } from 'antd';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { conversationActions, refusalText, useConversationAction } from './conversation-queries';

/**
 * 微信客服 only: hand the conversation to a WeCom member who answers in the WeCom client (session
 * state 3; docs/agents.md, "微信客服"). The list is the servicers on duty now, asked of the
 * platform when the menu opens; the console stops sending until they end the session.
 */
export function HandToServicer({ conversationId }: { conversationId: number }) {
  const servicers = useQuery({
    queryKey: queryKeys.servicers(conversationId),
    enabled: false,
    queryFn: () => answerOf(api.GET('/api/conversations/{id}/servicers', { params: { path: { id: conversationId } } })),
  });
  const hand = useConversationAction(
    conversationId,
    (servicerUserId: string) => conversationActions.handToServicer(conversationId, servicerUserId),
    { done: '已转给企业微信接待人员' },
  );
  const items = servicers.isError
    ? [{ key: 'error', label: refusalText(servicers.error), disabled: true }]
    : servicers.data?.servicers.length === 0
      ? [{ key: 'none', label: '没有在接待状态的人员', disabled: true }]
      : (servicers.data?.servicers ?? []).map((s) => ({ key: s.userId, label: s.userId }));
  return (
    <Dropdown
      trigger={['click']}
      onOpenChange={(open) => {
        if (open) void servicers.refetch();
      }}
      menu={{
        items: items.length > 0 ? items : [{ key: 'loading', label: '加载中…', disabled: true }],
        onClick: ({ key }) => hand.mutate(key),
      }}
    >
      <Button loading={hand.isPending}>转给企业微信接待人员</Button>
    </Dropdown>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { conversationActions, useConversationAction } from './conversation-queries';

/**
 * Back to waiting in another team's queue (POST /api/conversations/{id}/transfer; docs/agents.md,
 * "Teams"), offered to whoever holds it. Leaves the conversation: an agent outside that team may
 * no longer see it.
 */
export function TransferToTeam({ conversationId }: { conversationId: number }) {
  const teams = useQuery({ queryKey: queryKeys.teams, queryFn: () => answerOf(api.GET('/api/teams')) });
  const transfer = useConversationAction(conversationId, (teamId: number) => conversationActions.transfer(conversationId, teamId), {
    done: '已转到团队队列',
    leave: true,
  });
  if (!teams.data || teams.data.teams.length === 0) return null;
  return (
    <Select
      className="transfer-select"
      placeholder="转给团队…"
      aria-label="转给团队"
      loading={transfer.isPending}
      value={null}
      options={teams.data.teams.map((team) => ({ value: team.id, label: team.name }))}
      onChange={(teamId: number) => transfer.mutate(teamId)}
    />
  );
}

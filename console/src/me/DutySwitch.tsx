import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Switch, Tooltip } from 'antd';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { refusalText } from '../conversation/conversation-queries';

/**
 * On duty for notices in WeCom (GET/PUT /api/me/duty; docs/agents.md, "Notifications in WeCom"):
 * only an account linked to a WeCom member is told anything, so the switch says when it is not.
 */
export function DutySwitch() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const duty = useQuery({ queryKey: queryKeys.duty, queryFn: () => answerOf(api.GET('/api/me/duty')) });
  const update = useMutation({
    mutationFn: (onDuty: boolean) => answerOf(api.PUT('/api/me/duty', { body: { onDuty } })),
    onError: (error) => void message.error(refusalText(error)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.duty }),
  });
  if (!duty.data) return null;
  const linked = duty.data.wecomUserId !== null;
  return (
    <Tooltip title={linked ? '值班时，有客户等待人工会在企业微信里通知你' : '账号未关联企业微信成员，不会收到通知'}>
      <Switch
        size="small"
        aria-label="值班（企业微信通知）"
        checkedChildren="值班"
        unCheckedChildren="休息"
        checked={duty.data.onDuty}
        loading={update.isPending}
        onChange={(onDuty) => update.mutate(onDuty)}
      />
    </Tooltip>
  );
}

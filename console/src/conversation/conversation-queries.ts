import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError, answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { openConversation } from '../app/route';
import { usePollingWhileOffline } from '../live/live-status';

export function useConversation(id: number) {
  return useQuery({
    queryKey: queryKeys.conversation(id),
    refetchInterval: usePollingWhileOffline(),
    queryFn: () => answerOf(api.GET('/api/conversations/{id}', { params: { path: { id } } })),
  });
}

/** The history, newest page first in the cache; pages back with `before`. */
export function useConversationMessages(id: number) {
  return useInfiniteQuery({
    queryKey: queryKeys.messages(id),
    refetchInterval: usePollingWhileOffline(),
    queryFn: ({ pageParam }) =>
      answerOf(
        api.GET('/api/conversations/{id}/messages', {
          params: { path: { id }, query: { limit: 100, ...(pageParam && { before: pageParam }) } },
        }),
      ),
    initialPageParam: 0,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
    select: (data) => [...data.pages].reverse().flatMap((page) => page.messages),
  });
}

/** Staff accounts to assign to: GET /api/users is for admins only, so only they are offered the list. */
export function useAssignableUsers(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.users,
    enabled,
    queryFn: () => answerOf(api.GET('/api/users')),
    select: ({ users }) => users.filter((u) => !u.disabled && u.role !== 'marketer'),
  });
}

/** The channel's refusals (409, docs/agents.md "Per channel"), in words an agent can act on. */
const CONFLICT_TEXTS: Record<string, string> = {
  reply_window_closed: '回复窗口已关闭：客户再次发消息后才能回复',
  reply_quota_spent: '本轮可发的消息数已用完：请缩短回复，或等客户再次发消息',
  held_by_servicer: '会话正由企业微信接待人员接待，结束前不能在这里回复',
  servicer_not_on_duty: '该接待人员当前不在接待状态，请换一位',
  no_client_servicers: '这个渠道没有企业微信接待人员',
  shortcut_taken: '快捷短语已被其他快捷回复使用',
};

/** What an agent reads when the server refuses: someone was quicker or the channel does not allow it (409), the role may not (403), or the input. */
export function refusalText(error: unknown): string {
  if (!(error instanceof ApiError)) return '网络错误，请重试';
  if (error.status === 409) return CONFLICT_TEXTS[error.code] ?? '会话已被他人处理，状态已变化：已刷新，请再看一下';
  if (error.status === 403) return `没有权限：${error.message}`;
  if (error.status === 404) return '会话不存在';
  return error.message;
}

/**
 * One action on a conversation (take, assign, reply, note, resolve, close): on success or refusal
 * the conversation and the lists are refetched, so what the agent sees is what the server holds.
 * `leave`: back to the inbox, as after resolving or closing, when an agent may no longer see it.
 */
export function useConversationAction<V>(
  id: number,
  action: (variables: V) => Promise<unknown>,
  outcome: { done?: string; leave?: boolean } = {},
) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: action,
    onSuccess: () => {
      if (outcome.done) void message.success(outcome.done);
      if (outcome.leave) openConversation(null);
    },
    onError: (error) => {
      void message.error(refusalText(error));
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversation(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.inboxes });
      void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
      void queryClient.invalidateQueries({ queryKey: queryKeys.customers });
    },
  });
}

export const conversationActions = {
  assign: (id: number, assignee: 'me' | number) =>
    answerOf(api.POST('/api/conversations/{id}/assign', { params: { path: { id } }, body: { assignee } })),
  reply: (id: number, text: string) => answerOf(api.POST('/api/conversations/{id}/messages', { params: { path: { id } }, body: { text } })),
  note: (id: number, text: string) => answerOf(api.POST('/api/conversations/{id}/notes', { params: { path: { id } }, body: { text } })),
  resolve: (id: number) => answerOf(api.POST('/api/conversations/{id}/resolve', { params: { path: { id } } })),
  close: (id: number) => answerOf(api.POST('/api/conversations/{id}/close', { params: { path: { id } } })),
  transfer: (id: number, teamId: number) =>
    answerOf(api.POST('/api/conversations/{id}/transfer', { params: { path: { id } }, body: { teamId } })),
  handToServicer: (id: number, servicerUserId: string) =>
    answerOf(api.POST('/api/conversations/{id}/servicer', { params: { path: { id } }, body: { servicerUserId } })),
};

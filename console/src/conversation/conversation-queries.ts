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

/** What an agent reads when the server refuses: someone was quicker (409), the role may not (403), or the input. */
export function refusalText(error: unknown): string {
  if (!(error instanceof ApiError)) return '网络错误，请重试';
  if (error.status === 409) return '会话已被他人处理，状态已变化：已刷新，请再看一下';
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
};

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, answerOf, api, type Me, rememberCsrfToken } from '../api/client';
import { queryKeys } from '../api/query-keys';

/** Who is signed in: GET /api/me, which also gives back the CSRF token after a reload. A 401 means the login page. */
export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async () => {
      const me = await answerOf(api.GET('/api/me'));
      rememberCsrfToken(me.csrfToken);
      return me;
    },
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => answerOf(api.POST('/api/auth/login', { body })),
    onSuccess: ({ user, csrfToken }) => {
      rememberCsrfToken(csrfToken);
      const me: Me = {
        user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
        via: 'session',
        csrfToken,
      };
      queryClient.setQueryData(queryKeys.me, me);
    },
  });
}

export function useLogOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => answerOf(api.POST('/api/auth/logout')),
    onSettled: () => {
      rememberCsrfToken(undefined);
      // Nothing of the last person's stays in memory for the next one at this browser.
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, undefined);
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

/** Supervisors and admins see and move every conversation (docs/agents.md, "Who may do what"). */
/** Marketers and admins work on tags, rules and segments (issue 16). */
export function managesAudience(me: Me): boolean {
  return me.user.role === 'marketer' || me.user.role === 'admin';
}

export function managesConversations(me: Me): boolean {
  return me.user.role === 'supervisor' || me.user.role === 'admin';
}

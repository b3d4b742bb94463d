import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError, answerOf, api, type Schemas } from '../api/client';
import { queryKeys } from '../api/query-keys';

export type TagGroup = Schemas['TagGroupWithTags'];
export type TagRule = Schemas['TagRule'];
export type Segment = Schemas['Segment'];
export type SegmentFilter = Segment['filter'];
export type TagRuleCondition = TagRule['condition'];
export type Broadcast = Schemas['Broadcast'];
export type BroadcastForecast = Schemas['BroadcastForecast'];

const REFUSALS: Record<string, string> = {
  name_taken: '名称已存在',
  tag_in_use: '有规则在使用该标签，请先修改规则',
  group_not_empty: '分组下还有标签，请先删除或移走',
  broadcast_finished: '群发已结束',
  tag_read_only: '该标签由其他应用在企业微信创建，这里只读；请在企业微信中修改',
};

/** What a refused audience change tells the marketer, in their language where the code is known. */
export function audienceRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return '网络错误，请重试';
  if (error.status === 403) return '没有权限';
  return REFUSALS[error.code] ?? error.message;
}

export function useTagGroups() {
  return useQuery({ queryKey: queryKeys.tagGroups, queryFn: () => answerOf(api.GET('/api/tag-groups')) });
}

/** The rules, refetched every two seconds while a backfill runs, so its progress bar moves. */
export function useTagRules() {
  return useQuery({
    queryKey: queryKeys.tagRules,
    queryFn: () => answerOf(api.GET('/api/tag-rules')),
    refetchInterval: (query) => (query.state.data?.rules.some((r) => r.backfill.state === 'running') ? 2000 : false),
  });
}

/**
 * The sync with WeCom's corp tags, polled every two seconds while it runs; when it ends the catalog
 * is refetched, since the sync may have added, renamed or removed tags.
 */
export function useWecomTagSync() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.wecomTagSync,
    queryFn: async () => {
      const before = queryClient.getQueryData<Schemas['TagSync']>(queryKeys.wecomTagSync);
      const now = await answerOf(api.GET('/api/tag-sync/wecom'));
      if (before?.state === 'running' && now.state !== 'running') void queryClient.invalidateQueries({ queryKey: queryKeys.tagGroups });
      return now;
    },
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 2000 : false),
  });
}

/** The import of WeCom's external contacts as customers (polled while it runs). */
export function useWecomContactImport() {
  return useQuery({
    queryKey: queryKeys.wecomContactImport,
    queryFn: () => answerOf(api.GET('/api/tag-sync/wecom-contacts')),
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 2000 : false),
  });
}

export function useSegments() {
  return useQuery({ queryKey: queryKeys.segments, queryFn: () => answerOf(api.GET('/api/segments')) });
}

/** The live count and first customers of a filter being edited (POST /api/segments/preview). */
export function useSegmentPreview(filter: SegmentFilter) {
  return useQuery({
    queryKey: queryKeys.segmentPreview(filter),
    queryFn: () => answerOf(api.POST('/api/segments/preview', { body: { filter } })),
    placeholderData: (previous) => previous,
  });
}

/** The broadcasts, refetched every two seconds while one is sending or waits for its time. */
export function useBroadcasts() {
  return useQuery({
    queryKey: queryKeys.broadcasts,
    queryFn: () => answerOf(api.GET('/api/broadcasts')),
    refetchInterval: (query) => (query.state.data?.broadcasts.some((b) => b.state === 'sending' || b.state === 'scheduled') ? 2000 : false),
  });
}

/** What a broadcast to the segment would reach if sent now (POST /api/broadcasts/forecast); idle until one is chosen. */
export function useBroadcastForecast(segmentId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.broadcastForecast(segmentId ?? 0),
    queryFn: () => answerOf(api.POST('/api/broadcasts/forecast', { body: { segmentId: segmentId! } })),
    enabled: segmentId !== undefined,
  });
}

/** One broadcast's report, refetched while it sends. */
export function useBroadcastReport(id: number) {
  return useQuery({
    queryKey: queryKeys.broadcast(id),
    queryFn: () => answerOf(api.GET('/api/broadcasts/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data?.broadcast.state === 'sending' ? 2000 : false),
  });
}

/** A change to tags, rules or segments: refused ones say why; every list of the audience is refetched after. */
export function useAudienceChange<T>(run: (input: T) => Promise<unknown>, done?: string) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => done && void message.success(done),
    onError: (error) => void message.error(audienceRefusal(error)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.audience }),
  });
}

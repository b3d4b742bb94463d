import { useQuery } from '@tanstack/react-query';
import { ApiError, answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';

export function useKnowledgeBases() {
  return useQuery({ queryKey: queryKeys.knowledgeBases, queryFn: () => answerOf(api.GET('/api/knowledge-bases')) });
}

/** The documents of a knowledge base; polled while a version is being imported, so its progress shows. */
export function useDocuments(kb: string) {
  return useQuery({
    queryKey: queryKeys.kbDocuments(kb),
    queryFn: () => answerOf(api.GET('/api/knowledge-bases/{kb}/documents', { params: { path: { kb } } })),
    refetchInterval: (query) => (query.state.data?.documents.some((d) => d.status === 'importing') ? 1000 : false),
  });
}

export function useFaqEntries(kb: string) {
  return useQuery({
    queryKey: queryKeys.kbFaq(kb),
    queryFn: () => answerOf(api.GET('/api/knowledge-bases/{kb}/faq', { params: { path: { kb } } })),
  });
}

/** What the admin is told when the server refuses: its own message, which names the file and the reason. */
export function knowledgeRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return '网络错误，请重试';
  if (error.status === 413) return `文件太大：${error.message}`;
  return error.message;
}

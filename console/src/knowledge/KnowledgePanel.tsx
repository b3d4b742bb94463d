import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Input, List, Spin, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';

/**
 * Searches the knowledge base the bot answers this conversation from (GET /api/knowledge/search;
 * docs/agents.md, "Knowledge search") and puts an answer into the reply box, to edit and send.
 */
export function KnowledgePanel({ conversationId, onInsert }: { conversationId: number; onInsert(text: string): void }) {
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: queryKeys.knowledge(q, conversationId),
    enabled: q.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => answerOf(api.GET('/api/knowledge/search', { params: { query: { q, conversationId, limit: 5 } } })),
  });
  return (
    <Card size="small" title="知识库" className="knowledge-panel" role="region" aria-label="知识库搜索">
      <Input.Search allowClear placeholder="搜索知识库" aria-label="搜索知识库" onSearch={(value) => setQ(value.trim())} />
      {q &&
        (search.isPending ? (
          <Spin />
        ) : search.isError ? (
          <Empty description={`搜索失败：${search.error.message}`} />
        ) : (
          <List
            size="small"
            className="knowledge-results"
            dataSource={search.data.results}
            locale={{ emptyText: <Empty description="没有找到答案" /> }}
            renderItem={(hit) => (
              <List.Item
                actions={[
                  <Button
                    key="insert"
                    size="small"
                    onClick={() => onInsert(hit.answer)}
                    aria-label={`插入：${hit.question ?? hit.document}`}
                  >
                    插入
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={hit.question ?? hit.document}
                  description={<Typography.Paragraph ellipsis={{ rows: 3, expandable: true }}>{hit.answer}</Typography.Paragraph>}
                />
              </List.Item>
            )}
          />
        ))}
    </Card>
  );
}

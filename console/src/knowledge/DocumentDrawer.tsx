import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Drawer, List, Popconfirm, Space, Tabs, Tag, Typography } from 'antd';
import { answerOf, api, type KnowledgeChunk, type KnowledgeDocument } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { overlayContainer } from '../app/overlay-container';
import { STATUS_LABELS } from './DocumentsTab';
import { knowledgeRefusal } from './knowledge-queries';

/** A chunk as the brain indexes it: an FAQ entry's questions and answer, or a passage with where it sits. */
function ChunkItem({ chunk }: { chunk: KnowledgeChunk }) {
  const place = ['heading', 'headings', 'page', 'line', 'sheet']
    .map((key) => chunk.metadata[key])
    .filter((v) => v !== undefined)
    .map((v) => (Array.isArray(v) ? v.join(' › ') : String(v)));
  return (
    <List.Item data-chunk-id={chunk.id}>
      <Space orientation="vertical" size={2} className="knowledge-chunk">
        <Typography.Text type="secondary">
          #{chunk.position + 1} {place.join(' · ')}
        </Typography.Text>
        {chunk.questions ? (
          <>
            <Typography.Text strong>{chunk.questions[0]}</Typography.Text>
            {chunk.questions.length > 1 && (
              <Typography.Text type="secondary">相似问：{chunk.questions.slice(1).join(' / ')}</Typography.Text>
            )}
            <Typography.Paragraph>{chunk.answer}</Typography.Paragraph>
          </>
        ) : (
          <Typography.Paragraph ellipsis={{ rows: 6, expandable: true, symbol: '展开' }}>{chunk.text}</Typography.Paragraph>
        )}
      </Space>
    </List.Item>
  );
}

/** One document: the chunks of its served version, and its versions with roll back. */
export function DocumentDrawer({ kb, name, onClose, onChanged }: { kb: string; name: string; onClose(): void; onChanged(): void }) {
  const { message } = App.useApp();
  const path = { kb, name };
  const chunks = useQuery({
    queryKey: [...queryKeys.kbDocument(kb, name), 'chunks'],
    queryFn: () => answerOf(api.GET('/api/knowledge-bases/{kb}/documents/{name}/chunks', { params: { path } })),
  });
  const versions = useQuery({
    queryKey: [...queryKeys.kbDocument(kb, name), 'versions'],
    queryFn: () => answerOf(api.GET('/api/knowledge-bases/{kb}/documents/{name}/versions', { params: { path } })),
  });
  const rollBack = useMutation({
    mutationFn: (version: number) =>
      answerOf(api.POST('/api/knowledge-bases/{kb}/documents/{name}/rollback', { params: { path }, body: { version } })),
    onSuccess: (doc) => {
      void message.success(`已回滚到 v${doc.version}`);
      void chunks.refetch();
      void versions.refetch();
      onChanged();
    },
    onError: (error) => void message.error(knowledgeRefusal(error)),
  });
  return (
    <Drawer open title={name} size="large" onClose={onClose} getContainer={overlayContainer}>
      <Tabs
        items={[
          {
            key: 'chunks',
            label: `分段预览${chunks.data ? `（${chunks.data.chunks.length}）` : ''}`,
            children: (
              <List<KnowledgeChunk>
                size="small"
                loading={chunks.isPending}
                dataSource={chunks.data?.chunks}
                renderItem={(chunk) => <ChunkItem chunk={chunk} />}
              />
            ),
          },
          {
            key: 'versions',
            label: '版本',
            children: (
              <List<KnowledgeDocument>
                size="small"
                loading={versions.isPending}
                dataSource={versions.data?.versions}
                renderItem={(v) => (
                  <List.Item
                    actions={
                      v.status === 'replaced' && v.chunkCount > 0
                        ? [
                            <Popconfirm
                              key="rollback"
                              title={`让 v${v.version} 重新生效？`}
                              okText="回滚"
                              cancelText="取消"
                              onConfirm={() => rollBack.mutate(v.version)}
                            >
                              <Button size="small">回滚到此版本</Button>
                            </Popconfirm>,
                          ]
                        : []
                    }
                  >
                    <Space size={8}>
                      <Tag>v{v.version}</Tag>
                      <Tag color={STATUS_LABELS[v.status].color}>{STATUS_LABELS[v.status].text}</Tag>
                      <Typography.Text type="secondary">
                        {v.chunkCount} 段 · {new Date(v.createdAt).toLocaleString('zh-CN')} 导入
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            ),
          },
        ]}
      />
    </Drawer>
  );
}

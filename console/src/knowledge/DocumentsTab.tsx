import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, List, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { type KnowledgeDocument, uploadFile } from '../api/client';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { ConfirmDelete } from '../app/ConfirmDelete';
import { DocumentDrawer } from './DocumentDrawer';
import { knowledgeRefusal, useDocuments } from './knowledge-queries';

export const STATUS_LABELS: Record<KnowledgeDocument['status'], { text: string; color: string }> = {
  active: { text: '生效中', color: 'green' },
  importing: { text: '导入中', color: 'processing' },
  replaced: { text: '已替换', color: 'default' },
};

interface UploadLimits {
  extensions: string[];
  maxBytes: number;
}

/**
 * The documents of a knowledge base: drop files to import them (each one a new version of the
 * document of its name, read as `npm run kb -- import` reads it), their versions and chunks, remove.
 */
export function DocumentsTab({ kb, upload }: { kb: string; upload?: UploadLimits }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const documents = useDocuments(kb);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.kbDocuments(kb) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeBases });
    void queryClient.invalidateQueries({ queryKey: queryKeys.kbFaq(kb) });
  };
  const remove = useMutation({
    mutationFn: (name: string) => answerOf(api.DELETE('/api/knowledge-bases/{kb}/documents/{name}', { params: { path: { kb, name } } })),
    onSuccess: (_, name) => void message.success(`已删除 ${name}`),
    onError: (error) => void message.error(knowledgeRefusal(error)),
    onSettled: refresh,
  });
  const maxMb = upload ? upload.maxBytes / 1024 / 1024 : 0;

  return (
    <Space orientation="vertical" className="knowledge-documents" size="middle">
      <Upload.Dragger
        multiple
        accept={upload?.extensions.join(',')}
        aria-label="上传文档"
        beforeUpload={(file) => {
          if (upload && file.size > upload.maxBytes) {
            void message.error(`${file.name} 超过 ${maxMb} MB，请拆分后上传`);
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={({ file, onProgress, onSuccess, onError }) => {
          const blob = file as File;
          uploadFile<{ status: string; version: number; chunks: number }>(
            `/api/knowledge-bases/${encodeURIComponent(kb)}/documents/${encodeURIComponent(blob.name)}`,
            blob,
            (percent) => {
              onProgress?.({ percent });
              // Sent: the server now reads and imports it; the list shows the version importing.
              if (percent === 100) refresh();
            },
          )
            .then((result) => {
              onSuccess?.(result);
              void message.success(
                result.status === 'unchanged'
                  ? `${blob.name} 内容未变化，仍为 v${result.version}`
                  : `${blob.name} 已导入为 v${result.version}，${result.chunks} 段`,
              );
            })
            .catch((error: unknown) => {
              onError?.(error as Error);
              void message.error(`${blob.name} 导入失败：${knowledgeRefusal(error)}`);
            })
            .finally(refresh);
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">把文件拖到这里，或点击选择</p>
        <p className="ant-upload-hint">
          {upload ? `支持 ${upload.extensions.join(' ')}，每个不超过 ${maxMb} MB。` : ''}
          同名文件会成为新版本，导入失败时原版本继续生效。
        </p>
      </Upload.Dragger>
      {/* A List, not a Table: antd's Table measures the scrollbar with an inline <style> the CSP refuses. */}
      <List<KnowledgeDocument>
        bordered
        className="knowledge-document-list"
        loading={documents.isPending}
        dataSource={documents.data?.documents}
        locale={{ emptyText: '还没有文档' }}
        renderItem={(doc) => (
          <List.Item
            data-document={doc.name}
            actions={
              doc.status === 'importing'
                ? []
                : [
                    <Button key="open" size="small" onClick={() => setOpen(doc.name)}>
                      分段与版本
                    </Button>,
                    <ConfirmDelete key="remove" title={`删除「${doc.name}」及其所有版本？`} onConfirm={() => remove.mutate(doc.name)} />,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space size={8}>
                  {doc.name}
                  <Tag>v{doc.version}</Tag>
                  <Tag color={STATUS_LABELS[doc.status].color}>{STATUS_LABELS[doc.status].text}</Tag>
                </Space>
              }
              description={
                <Typography.Text type="secondary">
                  {doc.status === 'importing' ? `已写入 ${doc.chunkCount} 段` : `${doc.chunkCount} 段`} · {doc.format}
                  {doc.activatedAt && ` · ${new Date(doc.activatedAt).toLocaleString('zh-CN')} 生效`}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
      {open && <DocumentDrawer kb={kb} name={open} onClose={() => setOpen(null)} onChanged={refresh} />}
    </Space>
  );
}

import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, List, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api, type QuickReply } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { ConfirmDelete } from '../app/ConfirmDelete';
import { overlayContainer } from '../app/overlay-container';
import { openConversation } from '../app/route';
import { refusalText } from '../conversation/conversation-queries';

interface QuickReplyForm {
  title: string;
  text: string;
  shortcut?: string;
}

/** What the server takes: a title, a text, and a shortcut `/` and 1–19 characters without spaces (docs/agents.md, "Quick replies"). */
const SHORTCUT = /^\/\S{1,19}$/;

/**
 * The quick replies for supervisors and admins: list, add, change and remove them
 * (POST/PATCH/DELETE /api/quick-replies). Each change is audited by the server.
 */
export function QuickRepliesPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<QuickReply | 'new' | null>(null);
  const [form] = Form.useForm<QuickReplyForm>();
  const list = useQuery({ queryKey: queryKeys.quickReplies(''), queryFn: () => answerOf(api.GET('/api/quick-replies')) });
  const settled = {
    onError: (error: unknown) => void message.error(refusalText(error)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.allQuickReplies }),
  };
  const save = useMutation({
    mutationFn: ({ title, text, shortcut }: QuickReplyForm) =>
      editing === 'new' || editing === null
        ? answerOf(api.POST('/api/quick-replies', { body: { title, text, ...(shortcut && { shortcut }) } }))
        : answerOf(
            api.PATCH('/api/quick-replies/{id}', {
              params: { path: { id: editing.id } },
              body: { title, text, shortcut: shortcut || null },
            }),
          ),
    onSuccess: () => {
      setEditing(null);
      void message.success('已保存');
    },
    ...settled,
  });
  const remove = useMutation({
    mutationFn: (id: number) => answerOf(api.DELETE('/api/quick-replies/{id}', { params: { path: { id } } })),
    ...settled,
  });

  function open(target: QuickReply | 'new'): void {
    setEditing(target);
    form.setFieldsValue(target === 'new' ? { title: '', text: '', shortcut: '' } : { ...target, shortcut: target.shortcut ?? '' });
  }

  return (
    <div className="settings-page">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>快捷回复</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
          新增
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">
        客服在回复框输入 / 选用；{'{客户名}'}、{'{客服名}'} 会替换为当前会话的客户和客服。
      </Typography.Paragraph>
      {/* A List, not a Table: antd's Table measures the scrollbar with an inline <style> the CSP refuses. */}
      <List<QuickReply>
        className="quick-reply-list"
        bordered
        loading={list.isPending}
        dataSource={list.data?.quickReplies}
        locale={{ emptyText: '还没有快捷回复' }}
        renderItem={(qr) => (
          <List.Item
            data-quick-reply-id={qr.id}
            actions={[
              <Button key="edit" size="small" onClick={() => open(qr)}>
                编辑
              </Button>,
              <ConfirmDelete key="delete" title={`删除「${qr.title}」？`} onConfirm={() => remove.mutate(qr.id)} />,
            ]}
          >
            <List.Item.Meta
              title={
                <Space size={8}>
                  {qr.shortcut && <Typography.Text code>{qr.shortcut}</Typography.Text>}
                  {qr.title}
                </Space>
              }
              description={<Typography.Paragraph ellipsis={{ rows: 2 }}>{qr.text}</Typography.Paragraph>}
            />
          </List.Item>
        )}
      />
      <Modal
        title={editing === 'new' ? '新增快捷回复' : '编辑快捷回复'}
        open={editing !== null}
        okText="保存"
        cancelText="取消"
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((values) => save.mutate(values))}
        forceRender
        getContainer={overlayContainer}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="shortcut" label="快捷短语" rules={[{ pattern: SHORTCUT, message: '以 / 开头，1–19 个字符，不含空格' }]}>
            <Input placeholder="/退款" />
          </Form.Item>
          <Form.Item name="text" label="内容" rules={[{ required: true, whitespace: true, max: 2000 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

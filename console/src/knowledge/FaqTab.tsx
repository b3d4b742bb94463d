import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, List, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { answerOf, api, type FaqCheck, type FaqEntry } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { overlayContainer } from '../app/overlay-container';
import { knowledgeRefusal, useFaqEntries } from './knowledge-queries';

interface EntryForm {
  question: string;
  similar: string[];
  answer: string;
}

/** Checked this long after the admin stops typing: one request per pause, not per key. */
const CHECK_DELAY_MS = 400;

/** What conflicts with the entry as edited: duplicates block saving, near-duplicates are a warning. */
function Conflicts({ check }: { check?: FaqCheck }) {
  if (!check) return null;
  const { duplicates, nearDuplicates } = check;
  if (duplicates.length === 0 && nearDuplicates.length === 0) return <Alert type="success" showIcon title="没有重复或相近的问题" />;
  return (
    <Space orientation="vertical" className="faq-conflicts">
      {duplicates.map((d) => (
        <Alert key={`d-${d.question}`} type="error" showIcon title={`重复：「${d.question}」已是「${d.entryQuestion}」的问题`} />
      ))}
      {nearDuplicates.map((n) => (
        <Alert
          key={`n-${n.question}`}
          type="warning"
          showIcon
          title={`相近：机器人现在会用「${n.entryQuestion}」回答「${n.question}」（得分 ${n.score}）`}
        />
      ))}
    </Space>
  );
}

/** The FAQ entries of a knowledge base, edited in place: question, similar questions, answer. */
export function FaqTab({ kb }: { kb: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const entries = useFaqEntries(kb);
  const [editing, setEditing] = useState<FaqEntry | null>(null);
  const [form] = Form.useForm<EntryForm>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const check = useMutation({
    mutationFn: (entry: EntryForm & { chunkId: number }) =>
      answerOf(api.POST('/api/knowledge-bases/{kb}/faq/check', { params: { path: { kb } }, body: entry })),
  });
  const save = useMutation({
    mutationFn: (entry: EntryForm & { chunkId: number }) =>
      answerOf(
        api.PUT('/api/knowledge-bases/{kb}/faq/{chunkId}', {
          params: { path: { kb, chunkId: entry.chunkId } },
          body: { question: entry.question, similar: entry.similar, answer: entry.answer },
        }),
      ),
    onSuccess: () => {
      setEditing(null);
      void message.success('已保存，机器人立即使用新内容');
    },
    onError: (error) => void message.error(knowledgeRefusal(error)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.kbFaq(kb) }),
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const checkSoon = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const values = form.getFieldsValue();
      if (editing && values.question?.trim() && values.answer?.trim()) check.mutate({ ...values, chunkId: editing.chunkId });
    }, CHECK_DELAY_MS);
  };

  function open(entry: FaqEntry): void {
    setEditing(entry);
    check.reset();
    form.setFieldsValue({ question: entry.question, similar: entry.similar, answer: entry.answer });
  }

  return (
    <>
      <List<FaqEntry>
        bordered
        className="faq-entry-list"
        loading={entries.isPending}
        dataSource={entries.data?.entries}
        locale={{ emptyText: '这个知识库还没有 FAQ（上传 CSV 或 XLSX 问答表）' }}
        renderItem={(entry) => (
          <List.Item
            data-chunk-id={entry.chunkId}
            actions={[
              <Button key="edit" size="small" onClick={() => open(entry)}>
                编辑
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={entry.question}
              description={
                <>
                  {entry.similar.length > 0 && <Typography.Text type="secondary">相似问：{entry.similar.join(' / ')}</Typography.Text>}
                  <Typography.Paragraph ellipsis={{ rows: 2 }}>{entry.answer}</Typography.Paragraph>
                </>
              }
            />
          </List.Item>
        )}
      />
      <Modal
        title="编辑 FAQ"
        open={editing !== null}
        okText="保存"
        cancelText="取消"
        confirmLoading={save.isPending}
        okButtonProps={{ disabled: (check.data?.duplicates.length ?? 0) > 0 }}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((values) => editing && save.mutate({ ...values, chunkId: editing.chunkId }))}
        forceRender
        getContainer={overlayContainer}
        width={640}
      >
        <Form form={form} layout="vertical" onValuesChange={checkSoon}>
          <Form.Item name="question" label="标准问题" rules={[{ required: true, whitespace: true, max: 500 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="similar" label="相似问题（回车添加）">
            <Select mode="tags" open={false} tokenSeparators={['|']} aria-label="相似问题" />
          </Form.Item>
          <Form.Item name="answer" label="答案" rules={[{ required: true, whitespace: true, max: 5000 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} />
          </Form.Item>
        </Form>
        <Conflicts check={check.data} />
      </Modal>
    </>
  );
}

import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, List, Modal, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import type { components } from '../api/schema';
import { queryKeys } from '../api/query-keys';
import { overlayContainer } from '../app/overlay-container';
import { refusalText } from '../conversation/conversation-queries';
import type { UnansweredGroup } from './UnansweredPage';

type FaqChange = components['schemas']['FaqChange'];
type Retested = components['schemas']['RetestedQuestion'];

interface ChangeForm {
  kind: FaqChange['kind'];
  question: string;
  similar: string[];
  answer: string;
  entryId?: string;
}

/**
 * Answers one group: a new FAQ entry (its most asked wording as the question, the others as
 * similar questions), or the wordings added to an existing entry as similar questions. 「重新测试」
 * asks the server which of the group's wordings the bot would then answer (nothing saved); saving
 * is offered once a re-test of the current form has run. The server saves through the knowledge
 * store, and running workers reload at once.
 */
export function AnswerGroupModal({ group, onClose }: { group: UnansweredGroup; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ChangeForm>();
  const kind = Form.useWatch('kind', form) ?? 'new_entry';
  const [results, setResults] = useState<Retested[] | null>(null);
  const [entryQuery, setEntryQuery] = useState(group.question);
  const wordings = group.wordings.map((w) => w.text);
  const entries = useQuery({
    queryKey: ['knowledge', 'entries', group.knowledgeBase, entryQuery],
    queryFn: () => answerOf(api.GET('/api/knowledge/search', { params: { query: { q: entryQuery, kb: group.knowledgeBase, limit: 10 } } })),
    enabled: kind === 'similar_questions' && entryQuery.trim() !== '',
  });

  const changeOf = (values: ChangeForm): FaqChange =>
    values.kind === 'new_entry'
      ? {
          kind: 'new_entry',
          question: values.question,
          similar: values.similar.filter((s) => s !== values.question),
          answer: values.answer,
        }
      : { kind: 'similar_questions', entryId: values.entryId!, similar: values.similar };
  const retest = useMutation({
    mutationFn: (values: ChangeForm) =>
      answerOf(
        api.POST('/api/unanswered/retest', {
          body: { kbName: group.knowledgeBase, questions: wordings, change: changeOf(values) },
        }),
      ),
    onSuccess: (answer) => setResults(answer.results),
    onError: (error) => void message.error(refusalText(error)),
  });
  const save = useMutation({
    mutationFn: (values: ChangeForm) =>
      answerOf(
        api.POST('/api/unanswered/answers', {
          body: { kbName: group.knowledgeBase, questionIds: group.questionIds, change: changeOf(values) },
        }),
      ),
    onSuccess: (saved) => {
      void message.success(`已保存到「${saved.document}」，机器人现在会用「${saved.entryQuestion}」回答`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.unanswered });
      onClose();
    },
    onError: (error) => void message.error(refusalText(error)),
  });

  return (
    <Modal
      title="补充答案"
      open
      width={640}
      onCancel={onClose}
      getContainer={overlayContainer}
      footer={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button loading={retest.isPending} onClick={() => void form.validateFields().then((v) => retest.mutate(v))}>
            重新测试
          </Button>
          <Button
            type="primary"
            disabled={results === null}
            loading={save.isPending}
            onClick={() => void form.validateFields().then((v) => save.mutate(v))}
          >
            保存
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'new_entry', question: group.question, similar: wordings, answer: '' }}
        onValuesChange={() => setResults(null)}
      >
        <Form.Item name="kind">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'new_entry', label: '新建问答' },
              { value: 'similar_questions', label: '加为已有问答的相似问法' },
            ]}
          />
        </Form.Item>
        {kind === 'new_entry' ? (
          <>
            <Form.Item name="question" label="标准问题" rules={[{ required: true, whitespace: true, max: 500 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="answer" label="答案" rules={[{ required: true, whitespace: true, max: 5000 }]}>
              <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="entryId" label="已有问答" rules={[{ required: true, message: '选择一条问答' }]}>
            <Select
              showSearch={{ filterOption: false, onSearch: setEntryQuery }}
              placeholder="搜索知识库中的问答"
              loading={entries.isFetching}
              options={(entries.data?.results ?? [])
                .filter((hit) => hit.question !== null)
                .map((hit) => ({ value: hit.chunkId, label: hit.question }))}
              getPopupContainer={overlayContainer}
            />
          </Form.Item>
        )}
        <Form.Item name="similar" label="相似问法" rules={[{ required: kind === 'similar_questions', type: 'array', min: 1 }]}>
          <Select mode="tags" options={wordings.map((w) => ({ value: w }))} getPopupContainer={overlayContainer} />
        </Form.Item>
      </Form>
      {results && (
        <List<Retested>
          className="retest-results"
          size="small"
          header={<Typography.Text strong>重新测试：这组问题保存后</Typography.Text>}
          dataSource={results}
          renderItem={(r) => (
            <List.Item data-retest-answered={r.byChangedEntry}>
              <Space>
                {r.byChangedEntry ? <CheckCircleTwoTone twoToneColor="#52c41a" /> : <CloseCircleTwoTone twoToneColor="#ff4d4f" />}
                {r.question}
              </Space>
              <Typography.Text type="secondary">
                {r.byChangedEntry ? '会被回答' : r.answered ? `会匹配到「${r.match}」` : '仍无法回答'}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}

import { useMutation } from '@tanstack/react-query';
import { Alert, Card, Collapse, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { answerOf, api, type KnowledgeTrial } from '../api/client';
import { knowledgeRefusal } from './knowledge-queries';

const VERDICTS: Record<KnowledgeTrial['decision']['verdict'], { text: string; color: string }> = {
  answer: { text: '回答', color: 'green' },
  clarify: { text: '澄清', color: 'gold' },
  decline: { text: '无法回答', color: 'orange' },
  handoff: { text: '转人工', color: 'red' },
};

const CHANNELS: Record<keyof KnowledgeTrial['candidates'][number]['scores'], string> = {
  lexical: '词匹配',
  dense: '向量',
  fused: '融合',
};

/** The decision, the candidates with a score per retrieval channel, the citations and the model's prompt. */
function TrialResult({ trial }: { trial: KnowledgeTrial }) {
  const verdict = VERDICTS[trial.decision.verdict];
  const cited = new Set(trial.citations.map((c) => c.chunkId));
  return (
    <Space orientation="vertical" size="middle" className="trial-result">
      <Card
        size="small"
        title={
          <Space>
            机器人的决定<Tag color={verdict.color}>{verdict.text}</Tag>
            {trial.decision.reason && <Tag>{trial.decision.reason}</Tag>}
          </Space>
        }
      >
        <Typography.Paragraph className="trial-reply">{trial.decision.text}</Typography.Paragraph>
        <Typography.Text type="secondary">检索的问题：{trial.question}</Typography.Text>
      </Card>
      <Card size="small" title="候选（按融合得分）">
        <List
          size="small"
          dataSource={trial.candidates}
          locale={{ emptyText: <Empty description="知识库里没有相关内容" /> }}
          renderItem={(c) => (
            <List.Item data-chunk-id={c.chunkId}>
              <Space orientation="vertical" size={2}>
                <Space wrap size={4}>
                  <Typography.Text strong>{c.question ?? c.matchedText}</Typography.Text>
                  {cited.has(c.chunkId) && <Tag color="blue">引用</Tag>}
                  <Typography.Text type="secondary">{c.document}</Typography.Text>
                </Space>
                <Space wrap size={4}>
                  {Object.entries(c.scores).map(([channel, score]) => (
                    <Tag key={channel}>
                      {CHANNELS[channel as keyof typeof CHANNELS]} {score}
                    </Tag>
                  ))}
                </Space>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
                  {c.text}
                </Typography.Paragraph>
              </Space>
            </List.Item>
          )}
        />
      </Card>
      {trial.prompt && (
        <Collapse
          items={[
            {
              key: 'prompt',
              label: '模型收到的提示词',
              children: trial.prompt.map((m, i) => (
                <div key={`${i}-${m.role}`} className="trial-prompt">
                  <Tag>{m.role}</Tag>
                  <pre>{m.content}</pre>
                </div>
              )),
            },
          ]}
        />
      )}
    </Space>
  );
}

/** 「试一试」: a question asked as a new customer would, answered by the bot that answers customers; nothing is stored. */
export function TryTab({ kb }: { kb: string }) {
  const trial = useMutation({
    mutationFn: (text: string) => answerOf(api.POST('/api/knowledge-bases/{kb}/try', { params: { path: { kb } }, body: { text } })),
  });
  return (
    <Space orientation="vertical" size="middle" className="knowledge-try">
      <Input.Search
        aria-label="像客户一样提问"
        placeholder="像客户一样提问，例如：几天能发货？"
        enterButton="试一试"
        loading={trial.isPending}
        onSearch={(value) => value.trim() && trial.mutate(value.trim())}
      />
      {trial.isError && <Alert type="error" showIcon title={knowledgeRefusal(trial.error)} />}
      {trial.data && <TrialResult trial={trial.data} />}
    </Space>
  );
}

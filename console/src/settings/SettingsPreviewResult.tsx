import { Alert, Descriptions, List, Space, Tag, Typography } from 'antd';
import type { SettingsPreview } from './settings-queries';

type Outcome = SettingsPreview['changed'][number]['before'];

const DECISIONS: Record<Outcome['decision'], { label: string; color: string }> = {
  answer: { label: '回答', color: 'green' },
  ask: { label: '反问', color: 'blue' },
  clarify: { label: '推荐相近问题', color: 'orange' },
  decline: { label: '无法回答', color: 'red' },
  handoff: { label: '转人工', color: 'purple' },
  smalltalk: { label: '寒暄', color: 'cyan' },
};

function OutcomeCell({ outcome }: { outcome: Outcome }) {
  const decision = DECISIONS[outcome.decision];
  return (
    <span>
      <Tag color={decision.color}>{decision.label}</Tag>
      {outcome.label}
    </span>
  );
}

const share = (count: number, of: number) => (of === 0 ? '—' : `${count} / ${of}（${Math.round((count / of) * 100)}%）`);

/**
 * What a proposed vocabulary or small-talk change does on the company's own questions, before it is
 * saved: the FAQ similar questions that find their entry (each asked with itself left out of the
 * index), the recent customer questions answered, and every question whose outcome changes.
 */
export function SettingsPreviewResult({ preview }: { preview: SettingsPreview }) {
  const { similar, recent, changed } = preview;
  const worse = similar.hitAfter < similar.hitBefore || recent.answeredAfter < recent.answeredBefore;
  return (
    <div className="settings-preview">
      <Descriptions size="small" bordered column={1} title="预览：保存后的变化">
        <Descriptions.Item label="FAQ 相似问法命中本条（之前 → 之后）">
          {share(similar.hitBefore, similar.asked)} → {share(similar.hitAfter, similar.asked)}
        </Descriptions.Item>
        <Descriptions.Item label="近期客户问题得到回答（之前 → 之后）">
          {share(recent.answeredBefore, recent.asked)} → {share(recent.answeredAfter, recent.asked)}，{recent.changed} 条结果改变
        </Descriptions.Item>
      </Descriptions>
      {worse && <Alert type="warning" showIcon message="有问题因此变差，请查看下表再决定是否保存" />}
      <Typography.Paragraph type="secondary">
        每条相似问法都在索引中去掉它自己后再问（否则每条都能找到自己）；近期问题取会话记录中最近的不同客户消息。用时 {preview.ms} ms。
      </Typography.Paragraph>
      {/* A List, not a Table: every Table measures the scrollbar with a <style> of its own that carries no
          nonce (@rc-component/util getScrollBarSize), which the console's Content-Security-Policy refuses. */}
      <List
        size="small"
        bordered
        className="preview-changes"
        dataSource={changed}
        pagination={changed.length > 10 ? { pageSize: 10, size: 'small' } : false}
        locale={{ emptyText: '没有问题的结果改变' }}
        renderItem={(row) => (
          <List.Item key={`${row.source}:${row.knowledgeBase}:${row.text}`}>
            <List.Item.Meta
              title={
                <Space wrap>
                  <span>{row.text}</span>
                  <Tag>{row.source === 'similar' ? 'FAQ 相似问法' : '近期客户问题'}</Tag>
                </Space>
              }
              description={
                <Space wrap>
                  <span>之前</span>
                  <OutcomeCell outcome={row.before} />
                  <span>→ 之后</span>
                  <OutcomeCell outcome={row.after} />
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
}

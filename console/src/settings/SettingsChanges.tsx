import { List, Space, Tag, Typography } from 'antd';
import { useSettingsChanges } from './settings-queries';

const SECTION_LABELS: Record<string, string> = {
  persona: '人设与欢迎语',
  model: '大模型',
  handoff: '转人工规则',
  hours: '营业时间',
  holdNotice: '等待提示',
  vocabulary: '词汇',
  smalltalk: '寒暄',
};
const FIELD_LABELS: Record<string, string> = {
  botName: '机器人名称',
  companyName: '公司名称',
  tone: '说话风格',
  maxAnswerChars: '回答最长字数',
  greeting: '欢迎语',
  accounts: '渠道账号',
  baseUrl: '接口地址',
  model: '模型',
  apiKey: 'API Key',
  temperature: '温度',
  recentTokens: '近期对话 token 预算',
  summaryTokens: '对话摘要 token 预算',
  keywords: '转人工关键词',
  unless: '例外词',
  intents: '内置规则',
  repeatedMisses: '连续答不上次数',
  segments: '直接转人工的分群',
  segmentReply: '分群客户转接提示',
  enabled: '按营业时间接待',
  timezone: '时区',
  weekly: '每周营业时间',
  closures: '休息日',
  message: '非营业时间回复',
  text: '等待提示',
  intervalMs: '提示间隔',
  synonyms: '同义词组',
  words: '专有词',
  stopwords: '停用词',
  kinds: '寒暄类别',
};

/** The top-level fields whose values differ between two versions of a settings document. */
function changedFields(before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  // Sorted: PostgreSQL's jsonb keeps no key order.
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** Every saved change of the bot's settings, as the audit log records it: who, when, which version, what changed. */
export function SettingsChanges() {
  const changes = useSettingsChanges();
  return (
    <List
      className="settings-changes"
      bordered
      loading={changes.isPending}
      dataSource={changes.data?.entries}
      locale={{ emptyText: '还没有修改记录' }}
      renderItem={(entry) => {
        const details = entry.details as { section?: string; fromVersion?: number; toVersion?: number; before?: unknown; after?: unknown };
        return (
          <List.Item data-audit-id={entry.id}>
            <List.Item.Meta
              title={
                <Space wrap>
                  <Tag>{SECTION_LABELS[details.section ?? ''] ?? details.section}</Tag>
                  <span>
                    第 {details.fromVersion} 版 → 第 {details.toVersion} 版
                  </span>
                  <Typography.Text type="secondary">{entry.actorEmail ?? '系统'}</Typography.Text>
                  <Typography.Text type="secondary">{new Date(entry.at).toLocaleString('zh-CN')}</Typography.Text>
                </Space>
              }
              description={`修改了：${
                changedFields(details.before, details.after)
                  .map((f) => FIELD_LABELS[f] ?? f)
                  .join('、') || '无变化'
              }`}
            />
          </List.Item>
        );
      }}
    />
  );
}

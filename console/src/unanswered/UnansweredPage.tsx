import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { components } from '../api/schema';
import { openConversation } from '../app/route';
import { AnswerGroupModal } from './AnswerGroupModal';

export type UnansweredGroup = components['schemas']['UnansweredGroup'];

const REASONS: Array<[keyof UnansweredGroup['reasons'], string, string]> = [
  ['declined', '未能回答', 'orange'],
  ['handoff', '转人工', 'blue'],
  ['thumbs_down', '点踩', 'red'],
];

/**
 * 未知问题: what customers asked in the last 30 days that the bot declined, handed to a person or
 * got a 👎 for, grouped by similarity (GET /api/unanswered), biggest group first. Admins answer a
 * group in one step (AnswerGroupModal); supervisors read.
 */
export function UnansweredPage({ canAnswer }: { canAnswer: boolean }) {
  const [answering, setAnswering] = useState<UnansweredGroup | null>(null);
  const list = useQuery({
    queryKey: queryKeys.unanswered,
    queryFn: () => answerOf(api.GET('/api/unanswered', { params: { query: { limit: 100 } } })),
  });
  return (
    <div className="settings-page">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>未知问题</Typography.Title>
      </Space>
      <Typography.Paragraph type="secondary">
        近 30 天机器人没能回答、转了人工或被客户点踩的问题，按相似度分组。
        {list.data && ` 共 ${list.data.turns} 次提问，${list.data.groups.length} 组。`}
      </Typography.Paragraph>
      {/* A List, not a Table: antd's Table measures the scrollbar with an inline <style> the CSP refuses. */}
      <List<UnansweredGroup>
        className="unanswered-list"
        bordered
        loading={list.isPending}
        dataSource={list.data?.groups}
        locale={{ emptyText: '没有未知问题' }}
        renderItem={(group) => (
          <List.Item
            data-unanswered-group={group.question}
            actions={
              canAnswer
                ? [
                    <Button key="answer" type="primary" size="small" onClick={() => setAnswering(group)}>
                      补充答案
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <Space size={8} wrap>
                  <Typography.Text strong>{group.question}</Typography.Text>
                  <Tag>{group.count} 次</Tag>
                  {REASONS.filter(([key]) => group.reasons[key] > 0).map(([key, label, color]) => (
                    <Tag key={key} color={color}>
                      {label} {group.reasons[key]}
                    </Tag>
                  ))}
                  {group.knowledgeBase !== 'default' && <Tag>知识库 {group.knowledgeBase}</Tag>}
                </Space>
              }
              description={
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
                  {group.wordings.map((w) => (w.count > 1 ? `${w.text}（${w.count}）` : w.text)).join('　')} · 最近{' '}
                  {new Date(group.lastAskedAt).toLocaleString('zh-CN')}
                </Typography.Paragraph>
              }
            />
          </List.Item>
        )}
      />
      {answering && <AnswerGroupModal group={answering} onClose={() => setAnswering(null)} />}
    </div>
  );
}

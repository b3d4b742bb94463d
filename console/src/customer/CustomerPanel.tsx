import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, List, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { channelLabel, reasonLabel, STATUS_LABELS } from '../app/labels';
import { openConversation } from '../app/route';

const time = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm');

/** What the platform told about the customer, as text: nested values (rare) as JSON. */
const profileValue = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));

/**
 * The customer beside a conversation (GET /api/customers/{id}; docs/agents.md, "Customer panel"):
 * who, on which channel, what the platform told of them, their tags, and their past
 * conversations, each a link to open it.
 */
export function CustomerPanel({ customerId, conversationId }: { customerId: number; conversationId: number }) {
  const customer = useQuery({
    queryKey: queryKeys.customer(customerId),
    queryFn: () => answerOf(api.GET('/api/customers/{id}', { params: { path: { id: customerId } } })),
  });
  return (
    <Card size="small" title="客户" className="customer-panel" aria-label="客户信息" role="region">
      {customer.isPending ? (
        <Spin />
      ) : customer.isError ? (
        <Empty description={`加载失败：${customer.error.message}`} />
      ) : (
        <>
          <Typography.Text strong className="customer-panel-name">
            {customer.data.displayName ?? customer.data.externalId}
          </Typography.Text>
          <Descriptions size="small" column={1} className="customer-facts">
            <Descriptions.Item label="渠道">
              {channelLabel(customer.data.channel)} · {customer.data.account}
            </Descriptions.Item>
            <Descriptions.Item label="标识">
              <Typography.Text copyable ellipsis>
                {customer.data.externalId}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="首次来访">{time(customer.data.firstSeenAt)}</Descriptions.Item>
            <Descriptions.Item label="最近来访">{time(customer.data.lastSeenAt)}</Descriptions.Item>
            {Object.entries(customer.data.profile).map(([key, value]) => (
              <Descriptions.Item key={key} label={key}>
                <Typography.Text ellipsis>{profileValue(value)}</Typography.Text>
              </Descriptions.Item>
            ))}
            <Descriptions.Item label="标签">
              {customer.data.tags.length === 0 ? '无' : customer.data.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">历史会话</Typography.Text>
          <List
            size="small"
            className="customer-conversations"
            dataSource={customer.data.conversations}
            renderItem={(c) => (
              <List.Item>
                {c.id === conversationId ? (
                  <Typography.Text>当前会话 · {time(c.createdAt)}</Typography.Text>
                ) : (
                  <Typography.Link onClick={() => openConversation(c.id)}>{time(c.createdAt)}</Typography.Link>
                )}
                <span>
                  <Tag color={STATUS_LABELS[c.status].color}>{STATUS_LABELS[c.status].text}</Tag>
                  {reasonLabel(c.handoffReason) && <Tag color="gold">{reasonLabel(c.handoffReason)}</Tag>}
                </span>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

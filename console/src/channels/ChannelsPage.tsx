import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { openConversation } from '../app/route';
import { AccountCard, GeneratedValues } from './AccountCard';
import { AddAccountForm } from './AddAccountForm';

/**
 * 渠道 (admins only): every channel account with what to paste into its platform, its health, and
 * new accounts added here (GET/POST /api/channels). Secrets are encrypted on the server and never
 * come back whole, except the values generated a moment ago.
 */
export function ChannelsPage() {
  const [adding, setAdding] = useState(false);
  const [generated, setGenerated] = useState<Record<string, string> | null>(null);
  const list = useQuery({ queryKey: queryKeys.channels, queryFn: () => answerOf(api.GET('/api/channels')) });
  return (
    <div className="settings-page channels-page">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>渠道</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(!adding)}>
          添加账号
        </Button>
      </Space>
      {adding && (
        <Card title="添加账号">
          <AddAccountForm
            onAdded={(values) => {
              setAdding(false);
              setGenerated(values);
            }}
          />
        </Card>
      )}
      {generated && Object.keys(generated).length > 0 && <GeneratedValues values={generated} />}
      {list.isPending ? (
        <Spin />
      ) : list.data?.accounts.length ? (
        list.data.accounts.map((a) => <AccountCard key={`${a.channel}/${a.name}`} account={a} />)
      ) : (
        <Empty description="还没有渠道账号" />
      )}
    </div>
  );
}

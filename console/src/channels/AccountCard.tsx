import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, List, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api, type ChannelAccount } from '../api/client';
import { refusalText } from '../conversation/conversation-queries';
import { CHANNEL_LABELS, FIELD_LABELS } from './channel-labels';
import { embedSnippet, type WidgetAppearance, WidgetPreview } from './WidgetPreview';

/** Values generated this moment: shown in full once, with a warning that they will be masked. */
export function GeneratedValues({ values }: { values: Record<string, string> }) {
  return (
    <Alert
      type="warning"
      showIcon
      message="请立即复制到平台后台：离开此页后只显示末 4 位"
      description={
        <Descriptions size="small" column={1}>
          {Object.entries(values).map(([field, value]) => (
            <Descriptions.Item key={field} label={FIELD_LABELS[field] ?? field}>
              <Typography.Text code copyable data-field={field}>
                {value}
              </Typography.Text>
            </Descriptions.Item>
          ))}
        </Descriptions>
      }
    />
  );
}

const formatTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN') : '还没有收到');

/**
 * One account: what to paste into the platform (callback URL, Token, EncodingAESKey; generate anew
 * for console accounts), its health over 24 hours with each error code's fix, and for a widget its
 * embed snippet, allowed origins and a preview.
 */
export function AccountCard({ account }: { account: ChannelAccount }) {
  const { message } = App.useApp();
  const [generated, setGenerated] = useState<Record<string, string> | null>(null);
  const generate = useMutation({
    mutationFn: () =>
      answerOf(
        api.POST('/api/channels/{channel}/accounts/{name}/keys', { params: { path: { channel: account.channel, name: account.name } } }),
      ),
    onSuccess: (answer) => setGenerated(answer.generated),
    onError: (error: unknown) => void message.error(refusalText(error)),
  });
  const settings = account.settings as Record<string, unknown>;
  return (
    <Card
      className="channel-account"
      data-account={`${account.channel}/${account.name}`}
      title={
        <Space>
          {CHANNEL_LABELS[account.channel] ?? account.channel}
          <Typography.Text strong>{account.name}</Typography.Text>
          <Tag>{account.source === 'console' ? '控制台添加' : '环境变量 / CONFIG_FILE'}</Tag>
        </Space>
      }
      extra={
        account.generatedFields.length > 0 && (
          <Button size="small" loading={generate.isPending} onClick={() => generate.mutate()}>
            重新生成 {account.generatedFields.map((f) => FIELD_LABELS[f] ?? f).join(' / ')}
          </Button>
        )
      }
    >
      <Descriptions size="small" column={1} bordered>
        {account.callbackUrl && (
          <Descriptions.Item label="回调 URL">
            <Typography.Text code copyable className="callback-url">
              {account.callbackUrl}
            </Typography.Text>
          </Descriptions.Item>
        )}
        {Object.entries(account.secrets).map(([field, masked]) => (
          <Descriptions.Item key={field} label={FIELD_LABELS[field] ?? field}>
            <Typography.Text code>{masked}</Typography.Text>
          </Descriptions.Item>
        ))}
        {Object.entries(settings)
          .filter(([field]) => FIELD_LABELS[field] && field !== 'allowedOrigins')
          .map(([field, value]) => (
            <Descriptions.Item key={field} label={FIELD_LABELS[field]}>
              {String(value)}
            </Descriptions.Item>
          ))}
        <Descriptions.Item label="最近一次收到消息">{formatTime(account.lastInboundAt)}</Descriptions.Item>
      </Descriptions>
      {generated && <GeneratedValues values={generated} />}
      <Space size="large" className="channel-stats">
        <Statistic title="24 小时发送成功" value={account.sent24h} />
        <Statistic title="24 小时发送失败" value={account.failed24h} />
      </Space>
      {account.failures24h.length > 0 && (
        <List
          size="small"
          header="失败原因（24 小时）"
          dataSource={account.failures24h}
          renderItem={(f) => (
            <List.Item>
              <List.Item.Meta
                title={
                  <Space>
                    <Tag color="red">{f.code}</Tag>×{f.count} {f.meaning}
                  </Space>
                }
                description={f.fix ?? '未知错误码：请查看平台的全局错误码说明'}
              />
            </List.Item>
          )}
        />
      )}
      {account.channel === 'web' && (
        <Space align="start" size="large" className="widget-settings">
          <Space direction="vertical">
            <Typography.Text strong>嵌入代码</Typography.Text>
            <Typography.Text code copyable className="embed-snippet">
              {embedSnippet(String(settings.publicId))}
            </Typography.Text>
            <Typography.Text strong>允许嵌入的网站</Typography.Text>
            <Typography.Text>{(settings.allowedOrigins as string[] | undefined)?.join('，') || '仅本服务自己的域名'}</Typography.Text>
          </Space>
          <WidgetPreview appearance={settings.appearance as WidgetAppearance | undefined} />
        </Space>
      )}
    </Card>
  );
}

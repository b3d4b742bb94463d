import { Button, Descriptions, Flex, Form, Input, InputNumber, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { answerOf, api } from '../api/client';
import { overlayContainer } from '../app/overlay-container';
import {
  type Broadcast,
  useAudienceChange,
  useBroadcastForecast,
  useBroadcastReport,
  useBroadcasts,
  useSegments,
} from './audience-queries';
import { MASS_SEND, SKIP_REASONS } from './broadcast-labels';
import { ReachForecast } from './ReachForecast';

const STATES: Record<Broadcast['state'], { label: string; color: string }> = {
  scheduled: { label: '待发送', color: 'default' },
  sending: { label: '发送中', color: 'processing' },
  done: { label: '已完成', color: 'success' },
  cancelled: { label: '已取消', color: 'warning' },
};

interface Draft {
  name: string;
  text: string;
  segmentId?: number;
  perMinute: number;
}

/** 群发: a message to a segment, sent by each customer's channel within its rules, with its report. */
export function BroadcastsTab() {
  const broadcasts = useBroadcasts();
  const segments = useSegments();
  const [form] = Form.useForm<Draft>();
  const create = useAudienceChange(
    (d: Draft) =>
      answerOf(
        api.POST('/api/broadcasts', {
          body: { name: d.name.trim(), text: d.text.trim(), segmentId: d.segmentId!, perMinute: d.perMinute },
        }),
      ),
    '群发已创建',
  );
  const cancel = useAudienceChange((id: number) => answerOf(api.POST('/api/broadcasts/{id}/cancel', { params: { path: { id } } })));
  const forecast = useBroadcastForecast(Form.useWatch('segmentId', form));

  return (
    <Flex vertical gap="large">
      <Form
        form={form}
        name="broadcast"
        layout="vertical"
        style={{ maxWidth: 560 }}
        initialValues={{ perMinute: 600 }}
        onFinish={(d) => create.mutate(d, { onSuccess: () => form.resetFields() })}
      >
        <Form.Item name="name" label="群发名称" rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input placeholder="如 双十二活动" />
        </Form.Item>
        <Form.Item name="segmentId" label="发送给分群" rules={[{ required: true }]}>
          <Select
            aria-label="发送给分群"
            options={(segments.data?.segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
            getPopupContainer={overlayContainer}
          />
        </Form.Item>
        <Form.Item
          name="text"
          label="群发内容"
          rules={[{ required: true, whitespace: true, max: 600 }]}
          extra="回复 TD 或 退订 的客户不会再收到群发"
        >
          <Input.TextArea rows={3} showCount maxLength={600} />
        </Form.Item>
        <Form.Item name="perMinute" label="每分钟最多发送">
          <InputNumber min={1} max={6000} />
        </Form.Item>
        <ReachForecast forecast={forecast.data} loading={forecast.isFetching} />
        {forecast.data?.send === 0 ? (
          // Sending to nobody is most likely a wrong segment or a closed window: asked, not refused.
          <Popconfirm
            title="预计无人送达，仍要群发？"
            okText="仍要群发"
            cancelText="取消"
            onConfirm={() => form.submit()}
            getPopupContainer={overlayContainer}
          >
            <Button type="primary" loading={create.isPending}>
              立即群发
            </Button>
          </Popconfirm>
        ) : (
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            立即群发
          </Button>
        )}
      </Form>
      <Table<Broadcast>
        rowKey="id"
        size="small"
        loading={broadcasts.isLoading}
        dataSource={broadcasts.data?.broadcasts ?? []}
        expandable={{ expandedRowRender: (b) => <Report id={b.id} /> }}
        columns={[
          { title: '名称', dataIndex: 'name' },
          { title: '状态', dataIndex: 'state', render: (s: Broadcast['state']) => <Tag color={STATES[s].color}>{STATES[s].label}</Tag> },
          { title: '发送时间', dataIndex: 'sendAt', render: (at: string) => new Date(at).toLocaleString('zh-CN') },
          {
            title: '',
            render: (_, b) =>
              (b.state === 'scheduled' || b.state === 'sending') && (
                <Popconfirm title="停止这次群发？已发出的不受影响" okText="停止" cancelText="取消" onConfirm={() => cancel.mutate(b.id)}>
                  <Button size="small" danger type="text">
                    停止
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Flex>
  );
}

/** Recipients per state, why the skipped were skipped, and the platforms' errcodes of the failed. */
function Report({ id }: { id: number }) {
  const report = useBroadcastReport(id).data?.report;
  if (!report) return null;
  return (
    <Descriptions size="small" column={1} data-broadcast-report={id}>
      <Descriptions.Item label="收件人">
        {report.total}（已发送 {report.byState.sent}，跳过 {report.byState.skipped}，失败 {report.byState.failed}，待发送{' '}
        {report.byState.pending + report.byState.sending}）
      </Descriptions.Item>
      {report.skipped.length > 0 && (
        <Descriptions.Item label="跳过原因">
          {report.skipped.map((s) => (
            <Tag key={s.reason}>
              {SKIP_REASONS[s.reason] ?? s.reason} {s.count}
            </Tag>
          ))}
        </Descriptions.Item>
      )}
      {report.failed.length > 0 && (
        <Descriptions.Item label="失败">
          {report.failed.map((f) => (
            <Tag key={f.errcode} color="error">
              <Typography.Text code>{f.errcode}</Typography.Text> {f.count}
            </Tag>
          ))}
        </Descriptions.Item>
      )}
      {report.massSends.map((m) => (
        <Descriptions.Item key={m.accountName} label={`公众号群发（${m.accountName}）`}>
          {MASS_SEND[m.state] ?? m.state}
          {m.errcode && `：${MASS_SEND[m.errcode] ?? m.errcode}`}，覆盖 {m.recipients} 人
          {m.totalCount !== null &&
            `；微信统计：标签粉丝 ${m.totalCount}，过滤后 ${m.filterCount}，成功 ${m.sentCount}，失败 ${m.errorCount}`}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

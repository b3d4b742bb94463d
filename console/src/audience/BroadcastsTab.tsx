import { Button, Descriptions, Flex, Form, Input, InputNumber, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { answerOf, api } from '../api/client';
import { overlayContainer } from '../app/overlay-container';
import { type Broadcast, useAudienceChange, useBroadcastReport, useBroadcasts, useSegments } from './audience-queries';

const STATES: Record<Broadcast['state'], { label: string; color: string }> = {
  scheduled: { label: '待发送', color: 'default' },
  sending: { label: '发送中', color: 'processing' },
  done: { label: '已完成', color: 'success' },
  cancelled: { label: '已取消', color: 'warning' },
};

/** Why a recipient was skipped, in the marketer's words (docs/marketing.md, "Broadcasts"). */
const REASONS: Record<string, string> = {
  opted_out: '已退订',
  window_closed: '超出 48 小时回复窗口',
  quota_spent: '窗口内消息条数已用完',
  held_by_servicer: '接待人员在企业微信中接待',
  no_open_session: '访客未打开网页',
  channel_cannot_broadcast: '该渠道不支持群发',
  no_conversation: '从未发过消息',
  customer_gone: '客户已合并',
  cancelled: '群发已取消',
  mp_monthly_mass_limit: '本月已收满 4 条公众号群发',
  mp_daily_mass_limit: '订阅号今日已群发',
};

/** An Official Account mass send's state, and why one was refused or not used (docs/marketing.md, "Official Account mass send"). */
const MASS_SEND: Record<string, string> = {
  creating: '提交中',
  sent: '已提交',
  finished: '已完成',
  failed: '失败',
  interrupted: '中断（不再重发）',
  refused: '超出群发限制',
  unused: '未使用',
  no_platform_tag: '公众号无此标签',
  opted_out_follower: '有粉丝已退订',
  no_follower_listed: '无收件人带此标签',
  daily_limit: '订阅号每天 1 次',
  monthly_limit: '服务号每人每月 4 条',
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
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          立即群发
        </Button>
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
              {REASONS[s.reason] ?? s.reason} {s.count}
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

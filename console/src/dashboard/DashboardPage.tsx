import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, List, Row, Segmented, Space, Spin, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { components } from '../api/schema';
import { openConversation } from '../app/route';
import { channelLabel } from '../app/labels';
import { type ChartOption, EChart } from './EChart';

type Dashboard = components['schemas']['Dashboard'];

const HANDOFF_REASONS: Record<string, string> = {
  customer_asked: '客户要求',
  no_answer: '无法回答',
  low_confidence: '连续未答',
  segment: '客户分群',
  complaint: '投诉',
  sensitive: '敏感问题',
};

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const seconds = (s: number | null) => (s === null ? '—' : s < 90 ? `${s.toFixed(1)} 秒` : `${(s / 60).toFixed(1)} 分`);

/**
 * 数据看板 (GET /api/dashboard, one request for the page): traffic by channel, the bot's resolution
 * and handoff rates, timings, top questions and 未知问题, tokens and cost per day. Loaded with its
 * charts only when opened (the console's bundle budget).
 */
export function DashboardPage() {
  const [days, setDays] = useState(14);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const figures = useQuery({
    queryKey: queryKeys.dashboard(days),
    queryFn: () => answerOf(api.GET('/api/dashboard', { params: { query: { days, timeZone } } })),
  });
  const data = figures.data;
  const charts = useMemo(() => data && chartsOf(data), [data]);
  return (
    <div className="settings-page dashboard">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>数据看板</Typography.Title>
        <Segmented<number>
          value={days}
          onChange={setDays}
          options={[
            { value: 7, label: '7 天' },
            { value: 14, label: '14 天' },
            { value: 30, label: '30 天' },
          ]}
        />
      </Space>
      {!data || !charts ? (
        <Spin />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title="机器人解决率" value={percent(data.totals.resolutionRate)} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title="转人工率" value={percent(data.totals.handoffRate)} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic
                title="机器人回复 p50 / p95"
                value={`${seconds(data.timings.botReply.p50)} / ${seconds(data.timings.botReply.p95)}`}
              />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic
                title="等待人工 p50 / p95"
                value={`${seconds(data.timings.humanFirstResponse.p50)} / ${seconds(data.timings.humanFirstResponse.p95)}`}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="每日会话与消息（按渠道）">
              <EChart option={charts.traffic} label="每日会话与消息" />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="机器人回复结果">
              <EChart option={charts.outcomes} label="机器人回复结果" />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="转人工原因">
              <EChart option={charts.reasons} label="转人工原因" />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={`模型用量：${data.totals.tokens.toLocaleString('zh-CN')} tokens，费用 ${data.totals.cost}`}>
              <EChart option={charts.tokens} label="每日模型 tokens 与费用" />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="热门问题">
              <RankedList rows={data.topQuestions} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="未知问题 Top 10">
              <RankedList rows={data.topUnanswered} />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}

function RankedList({ rows }: { rows: Array<{ question: string; count: number }> }) {
  return (
    <List
      size="small"
      dataSource={rows}
      locale={{ emptyText: '暂无' }}
      renderItem={(row, i) => (
        <List.Item extra={<Typography.Text type="secondary">{row.count}</Typography.Text>}>
          {i + 1}. {row.question}
        </List.Item>
      )}
    />
  );
}

function chartsOf(data: Dashboard): Record<'traffic' | 'outcomes' | 'reasons' | 'tokens', ChartOption> {
  const channels = [...new Set(data.traffic.map((t) => t.channel))];
  const perDay = (channel: string, key: 'conversations' | 'messages') =>
    data.days.map((day) => data.traffic.find((t) => t.day === day && t.channel === channel)?.[key] ?? 0);
  const name = channelLabel;
  const axis = { type: 'category', data: data.days.map((d) => d.slice(5)) };
  return {
    traffic: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 40, bottom: 24, top: 48 },
      xAxis: axis,
      yAxis: [
        { type: 'value', name: '会话' },
        { type: 'value', name: '消息' },
      ],
      series: channels.flatMap((channel) => [
        { name: `${name(channel)} 会话`, type: 'bar', stack: 'conversations', data: perDay(channel, 'conversations') },
        { name: `${name(channel)} 消息`, type: 'line', yAxisIndex: 1, data: perDay(channel, 'messages') },
      ]),
    },
    outcomes: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, bottom: 24, top: 48 },
      xAxis: axis,
      yAxis: { type: 'value' },
      series: (
        [
          ['resolved', '已解决', '#52c41a'],
          ['declined', '未能回答', '#faad14'],
          ['handoffs', '转人工', '#1677ff'],
          ['thumbsDown', '点踩', '#ff4d4f'],
        ] as const
      ).map(([key, label, color]) => ({ name: label, type: 'bar', stack: 'replies', color, data: data.bot.map((d) => d[key]) })),
    },
    reasons: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          top: 24,
          data: data.handoffReasons.map((r) => ({ name: HANDOFF_REASONS[r.reason] ?? r.reason, value: r.count })),
        },
      ],
    },
    tokens: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, bottom: 24, top: 48 },
      xAxis: axis,
      yAxis: [
        { type: 'value', name: 'tokens' },
        { type: 'value', name: '费用' },
      ],
      series: [
        { name: 'tokens', type: 'bar', data: data.bot.map((d) => d.tokens) },
        { name: '费用', type: 'line', yAxisIndex: 1, data: data.bot.map((d) => d.cost) },
      ],
    },
  };
}

import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, List, Modal, Progress, Select, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import { ConfirmDelete } from '../app/ConfirmDelete';
import { overlayContainer } from '../app/overlay-container';
import { type TagRule, type TagRuleCondition, useAudienceChange, useTagGroups, useTagRules } from './audience-queries';

const KINDS = [
  { value: 'keywords', label: '客户说了关键词' },
  { value: 'intent', label: '机器人识别的意图 / 命中的问题' },
  { value: 'entity', label: '模型识别的实体' },
  { value: 'channel', label: '来自渠道' },
  { value: 'inactive', label: '多少天没有消息' },
] as const;
const CHANNELS = [
  { value: 'wecom', label: '企业微信' },
  { value: 'wechat-mp', label: '公众号' },
  { value: 'wecom-kf', label: '微信客服' },
  { value: 'web', label: '网页' },
];

interface RuleForm {
  name: string;
  tagId: number;
  kind: TagRuleCondition['kind'];
  words?: string[];
  channels?: Array<'wecom' | 'wechat-mp' | 'wecom-kf' | 'web'>;
  times?: number;
  withinDays?: number;
  days?: number;
}

/** The form's fields as the API's condition (src/audience/tag-rule-condition.ts). */
function conditionOf(f: RuleForm): TagRuleCondition {
  const repeat = { times: f.times ?? 1, ...(f.withinDays && { withinDays: f.withinDays }) };
  switch (f.kind) {
    case 'keywords':
      return { kind: 'keywords', words: f.words ?? [], ...repeat };
    case 'intent':
      return { kind: 'intent', intents: f.words ?? [], ...repeat };
    case 'entity':
      return { kind: 'entity', entities: f.words ?? [], ...repeat };
    case 'channel':
      return { kind: 'channel', channels: f.channels ?? [], ...repeat };
    case 'inactive':
      return { kind: 'inactive', days: f.days ?? 60 };
  }
}

function describe(condition: TagRuleCondition): string {
  const times = 'times' in condition && condition.times > 1 ? `，${condition.withinDays} 天内 ${condition.times} 次` : '';
  switch (condition.kind) {
    case 'keywords':
      return `说了「${condition.words.join('」「')}」${times}`;
    case 'intent':
      return `意图是 ${condition.intents.join('、')}${times}`;
    case 'entity':
      return `提到 ${condition.entities.join('、')}${times}`;
    case 'channel':
      return `来自 ${condition.channels.join('、')}${times}`;
    case 'inactive':
      return `${condition.days} 天没有消息`;
  }
}

/** Tag rules, with their backfill's progress over the history; add, switch off and remove. */
export function RulesTab() {
  const rules = useTagRules();
  const groups = useTagGroups();
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<RuleForm>();
  const kind = Form.useWatch('kind', form);
  const tags = (groups.data?.groups ?? []).flatMap((g) => g.tags.map((t) => ({ value: t.id, label: `${g.name} / ${t.name}` })));
  const tagName = (id: number) => tags.find((t) => t.value === id)?.label ?? `#${id}`;
  const create = useAudienceChange(
    (f: RuleForm) => answerOf(api.POST('/api/tag-rules', { body: { name: f.name, tagId: f.tagId, condition: conditionOf(f) } })),
    '规则已添加，正在回溯历史消息',
  );
  const toggle = useAudienceChange((r: TagRule) =>
    answerOf(api.PATCH('/api/tag-rules/{id}', { params: { path: { id: r.id } }, body: { enabled: !r.enabled } })),
  );
  const remove = useAudienceChange((id: number) => answerOf(api.DELETE('/api/tag-rules/{id}', { params: { path: { id } } })));

  return (
    <>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => {
          form.resetFields();
          setAdding(true);
        }}
      >
        新增规则
      </Button>
      <List<TagRule>
        className="audience-list"
        loading={rules.isPending}
        dataSource={rules.data?.rules}
        locale={{ emptyText: '还没有规则' }}
        renderItem={(rule) => (
          <List.Item
            data-rule={rule.name}
            actions={[
              <Switch key="on" size="small" checked={rule.enabled} onChange={() => toggle.mutate(rule)} aria-label="启用" />,
              <ConfirmDelete key="rm" title="删除规则？已打的标签会保留" onConfirm={() => remove.mutate(rule.id)} />,
            ]}
          >
            <List.Item.Meta
              title={
                <Space>
                  {rule.name}
                  <Tag color="blue">{tagName(rule.tagId)}</Tag>
                </Space>
              }
              description={describe(rule.condition)}
            />
            <Space direction="vertical" size={0} style={{ width: 200 }}>
              <Progress
                percent={Math.round(rule.backfill.progress * 100)}
                size="small"
                status={rule.backfill.state === 'failed' ? 'exception' : undefined}
              />
              <Typography.Text type="secondary">回溯打标 {rule.backfill.tagged} 人</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      <Modal
        title="新增规则"
        open={adding}
        okText="保存"
        cancelText="取消"
        confirmLoading={create.isPending}
        onCancel={() => setAdding(false)}
        onOk={() => void form.validateFields().then((f) => create.mutate(f, { onSuccess: () => setAdding(false) }))}
        forceRender
        getContainer={overlayContainer}
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'keywords', times: 1 }}>
          <Form.Item name="name" label="规则名称" rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="tagId" label="打上标签" rules={[{ required: true }]}>
            <Select options={tags} showSearch optionFilterProp="label" getPopupContainer={overlayContainer} />
          </Form.Item>
          <Form.Item name="kind" label="条件">
            <Select options={[...KINDS]} getPopupContainer={overlayContainer} />
          </Form.Item>
          {(kind === 'keywords' || kind === 'intent' || kind === 'entity') && (
            <Form.Item name="words" label="词（回车添加）" rules={[{ required: true, type: 'array', min: 1 }]}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，']} aria-label="词" />
            </Form.Item>
          )}
          {kind === 'channel' && (
            <Form.Item name="channels" label="渠道" rules={[{ required: true, type: 'array', min: 1 }]}>
              <Select mode="multiple" options={CHANNELS} getPopupContainer={overlayContainer} />
            </Form.Item>
          )}
          {kind === 'inactive' ? (
            <Form.Item name="days" label="天数" rules={[{ required: true }]}>
              <InputNumber min={1} max={3650} />
            </Form.Item>
          ) : (
            <Space>
              <Form.Item name="times" label="次数">
                <InputNumber min={1} max={100} />
              </Form.Item>
              <Form.Item name="withinDays" label="天内（次数大于 1 时必填）">
                <InputNumber min={1} max={365} />
              </Form.Item>
            </Space>
          )}
        </Form>
      </Modal>
    </>
  );
}

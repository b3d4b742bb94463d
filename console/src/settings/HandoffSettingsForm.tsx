import { Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import { useSegments } from '../audience/audience-queries';
import type { HandoffDocument, HandoffSettings } from './settings-queries';
import { SaveSettingsButton } from './SaveSettingsButton';
import { useSaveSettings } from './use-save-settings';

/** handoff.json's built-in rules as people call them; a rule a company added to its handoff.json shows by its name. */
const INTENT_LABELS: Record<string, string> = {
  legal: '法律纠纷（律师、起诉、报警…）',
  account_security: '账户安全（被盗、诈骗…）',
  large_refund: '大额退款（1000 元以上）',
  complaint: '投诉与强烈不满',
  vip: 'VIP 标签客户',
};

/**
 * When the bot hands a conversation to a person (PUT /api/settings/handoff): the company's keywords
 * and the phrases that cancel them, the built-in rules on or off, after how many unanswered
 * questions, and the segments whose customers go straight to a person.
 */
export function HandoffSettingsForm({ settings }: { settings: HandoffSettings }) {
  const [form] = Form.useForm<HandoffDocument>();
  const segments = useSegments();
  useEffect(() => form.setFieldsValue(settings.document), [form, settings]);
  const save = useSaveSettings((document: HandoffDocument) =>
    answerOf(api.PUT('/api/settings/handoff', { body: { baseVersion: settings.version, document } })),
  );
  const tags = (placeholder: string) => <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} placeholder={placeholder} />;

  return (
    <Form<HandoffDocument> form={form} layout="vertical" className="handoff-settings" onFinish={(values) => save.mutate(values)}>
      <Typography.Paragraph type="secondary">
        {settings.version === 0 ? '当前使用配置文件 handoff.json 中的默认规则。' : `当前为第 ${settings.version} 版。`}
        客户的话里出现转人工关键词时，机器人转给人工客服；同时出现例外词时不转（如「人工客服几点上班」）。
      </Typography.Paragraph>
      <Form.Item name="keywords" label="转人工关键词" extra="输入后按回车添加">
        {tags('如：转人工、找店长')}
      </Form.Item>
      <Form.Item name="unless" label="例外词">
        {tags('如：几点、上班')}
      </Form.Item>
      <Typography.Title level={5}>内置规则</Typography.Title>
      <Space wrap size="large">
        {Object.keys(settings.document.intents).map((name) => (
          <Form.Item key={name} name={['intents', name]} label={INTENT_LABELS[name] ?? name} valuePropName="checked">
            <Switch checkedChildren="转人工" unCheckedChildren="不转" />
          </Form.Item>
        ))}
      </Space>
      <Form.Item
        name="repeatedMisses"
        label="连续答不上几次后转人工"
        extra="0 表示答不上时不自动转人工（客户仍可回复「人工」）"
        rules={[{ required: true }]}
      >
        <InputNumber min={0} max={20} />
      </Form.Item>
      <Form.Item name="segments" label="直接转人工的客户分群" extra="这些分群里的客户一开口就由人工接待，直到客服回复过他们">
        <Select
          mode="multiple"
          aria-label="直接转人工的客户分群"
          loading={segments.isPending}
          options={segments.data?.segments.map((s) => ({ value: s.id, label: s.name }))}
          placeholder="不选则不按分群转人工"
        />
      </Form.Item>
      <Form.Item name="segmentReply" label="分群客户的转接提示" rules={[{ required: true, whitespace: true }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={500} />
      </Form.Item>
      <SaveSettingsButton save={save} />
    </Form>
  );
}

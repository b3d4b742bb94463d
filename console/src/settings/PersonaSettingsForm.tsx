import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import { CHANNEL_LABELS } from '../app/labels';
import type { PersonaDocument, PersonaSettings } from './settings-queries';
import { SaveSettingsButton } from './SaveSettingsButton';
import { useSaveSettings } from './use-save-settings';

const CHANNEL_OPTIONS = Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }));

/** An emptied optional field is left out, as the schema wants it (config/brain/persona.json's). */
function withoutBlanks(document: PersonaDocument): PersonaDocument {
  const blank = (value: string | undefined) => (value?.trim() ? value : undefined);
  return {
    ...document,
    greeting: blank(document.greeting),
    accounts: (document.accounts ?? []).map((a) => ({ ...a, botName: blank(a.botName), greeting: blank(a.greeting) })),
  };
}

/**
 * Who the bot is (PUT /api/settings/persona): name, company, tone, the greeting, and per channel
 * account a name and greeting of its own. Saved as the next version; every process uses it at once.
 */
export function PersonaSettingsForm({ settings }: { settings: PersonaSettings }) {
  const [form] = Form.useForm<PersonaDocument>();
  useEffect(() => form.setFieldsValue(settings.document), [form, settings]);
  const save = useSaveSettings((document: PersonaDocument) =>
    answerOf(api.PUT('/api/settings/persona', { body: { baseVersion: settings.version, document: withoutBlanks(document) } })),
  );

  return (
    <Form<PersonaDocument> form={form} layout="vertical" className="persona-settings" onFinish={(values) => save.mutate(values)}>
      <Typography.Paragraph type="secondary">
        {settings.version === 0 ? '当前使用配置文件中的默认设置（不含任何店名）。' : `当前为第 ${settings.version} 版。`}
        欢迎语是网页客服窗口打开时的第一句话，也是客户只说「你好」时机器人的回复。
      </Typography.Paragraph>
      <Space wrap size="large" align="start">
        <Form.Item name="botName" label="机器人名称" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="companyName" label="公司名称" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="maxAnswerChars" label="回答最长字数" rules={[{ required: true }]}>
          <InputNumber min={1} max={2000} />
        </Form.Item>
      </Space>
      <Form.Item name="tone" label="说话风格（人设）" rules={[{ required: true, whitespace: true }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} />
      </Form.Item>
      <Form.Item name="greeting" label="欢迎语" rules={[{ max: 500 }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} placeholder="不填则使用默认问候" />
      </Form.Item>
      <Typography.Title level={5}>按渠道账号单独设置</Typography.Title>
      <Form.List name="accounts">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Card size="small" key={field.key} className="account-persona">
                <Space wrap align="start">
                  <Form.Item name={[field.name, 'channel']} label="渠道" rules={[{ required: true }]}>
                    <Select options={CHANNEL_OPTIONS} style={{ width: 120 }} aria-label="渠道" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'account']} label="账号名" rules={[{ required: true, whitespace: true }]}>
                    <Input placeholder="default" maxLength={100} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'botName']} label="机器人名称">
                    <Input maxLength={50} />
                  </Form.Item>
                  <Button type="text" icon={<MinusCircleOutlined />} aria-label="删除此账号设置" onClick={() => remove(field.name)} />
                </Space>
                <Form.Item name={[field.name, 'greeting']} label="欢迎语" rules={[{ max: 500 }]}>
                  <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
                </Form.Item>
              </Card>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ channel: 'web', account: 'default' })}>
              添加渠道账号
            </Button>
          </>
        )}
      </Form.List>
      <SaveSettingsButton save={save} />
    </Form>
  );
}

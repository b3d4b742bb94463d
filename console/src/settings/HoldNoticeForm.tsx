import { Form, Input, InputNumber, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import type { HoldNoticeSettings } from './settings-queries';
import { SaveSettingsButton } from './SaveSettingsButton';
import { useSaveSettings } from './use-save-settings';

interface HoldNoticeForm {
  text: string;
  minutes: number;
}

const MINUTE_MS = 60_000;

/** The hold notice (PUT /api/settings/hold-notice): what a waiting customer who writes is told, at most once per so many minutes. */
export function HoldNoticeForm({ settings }: { settings: HoldNoticeSettings }) {
  const [form] = Form.useForm<HoldNoticeForm>();
  useEffect(
    () => form.setFieldsValue({ text: settings.document.text, minutes: settings.document.intervalMs / MINUTE_MS }),
    [form, settings],
  );
  const save = useSaveSettings(({ text, minutes }: HoldNoticeForm) =>
    answerOf(
      api.PUT('/api/settings/hold-notice', {
        body: { baseVersion: settings.version, document: { text, intervalMs: Math.round(minutes * MINUTE_MS) } },
      }),
    ),
  );

  return (
    <Form<HoldNoticeForm> form={form} layout="vertical" className="hold-notice" onFinish={(values) => save.mutate(values)}>
      <Typography.Paragraph type="secondary">
        {settings.version === 0
          ? '当前使用环境变量 HOLD_NOTICE_TEXT 与 HOLD_NOTICE_INTERVAL_MS 的默认值。'
          : `当前为第 ${settings.version} 版。`}
        会话等待人工时客户又发来消息，机器人用这句话告诉客户已收到；非营业时间则改为回复「非营业时间回复」。
      </Typography.Paragraph>
      <Form.Item name="text" label="等待提示" rules={[{ required: true, whitespace: true }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} />
      </Form.Item>
      <Form.Item
        name="minutes"
        label="提示间隔（分钟）"
        extra="同一会话在这段时间内最多提示一次；0 表示不提示"
        rules={[{ required: true }]}
      >
        <InputNumber min={0} max={10080} />
      </Form.Item>
      <SaveSettingsButton save={save} />
    </Form>
  );
}

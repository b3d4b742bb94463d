import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Space } from 'antd';
import { answerOf, api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { refusalText } from '../conversation/conversation-queries';
import { CHANNEL_LABELS, FIELD_LABELS } from './channel-labels';
import { type WidgetAppearance, WidgetPreview } from './WidgetPreview';

type ChannelKey = 'wecom' | 'wechatMp' | 'wecomKf' | 'web';

/** What each channel's account asks for (src/channels/<channel>/config.ts); Token and EncodingAESKey left empty are generated. */
const FIELDS: Record<ChannelKey, string[]> = {
  wecom: ['corpId', 'agentId', 'secret', 'token', 'encodingAesKey'],
  wechatMp: ['appId', 'appSecret', 'token', 'encodingAesKey'],
  wecomKf: ['corpId', 'secret', 'token', 'encodingAesKey'],
  web: ['publicId'],
};
const GENERATED = new Set(['token', 'encodingAesKey']);

interface AddForm {
  channel: ChannelKey;
  name: string;
  fields: Record<string, string>;
  allowedOrigins?: string;
  appearance?: WidgetAppearance;
}

/** Adds an account (POST /api/channels/{channel}/accounts); the values generated for it come back once. */
export function AddAccountForm({ onAdded }: { onAdded(generated: Record<string, string>): void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AddForm>();
  const channel = Form.useWatch('channel', form) ?? 'wecom';
  const appearance = Form.useWatch('appearance', form);
  const add = useMutation({
    mutationFn: ({ channel, name, fields, allowedOrigins, appearance }: AddForm) => {
      const body: Record<string, unknown> = { name };
      for (const [field, value] of Object.entries(fields ?? {})) if (value) body[field] = field === 'agentId' ? Number(value) : value;
      if (channel === 'web') {
        body.allowedOrigins = (allowedOrigins ?? '').split(/[,，\s]+/).filter(Boolean);
        const look = Object.fromEntries(Object.entries(appearance ?? {}).filter(([, v]) => v));
        if (Object.keys(look).length > 0) body.appearance = look;
      }
      return answerOf(api.POST('/api/channels/{channel}/accounts', { params: { path: { channel } }, body }));
    },
    onSuccess: (answer) => {
      form.resetFields();
      onAdded(answer.generated);
      void message.success(`已添加 ${answer.name}`);
    },
    onError: (error: unknown) => void message.error(refusalText(error)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.channels }),
  });

  return (
    <Form form={form} layout="vertical" initialValues={{ channel: 'wecom' }} onFinish={(v) => add.mutate(v)} className="add-account">
      <Space wrap>
        <Form.Item name="channel" label="渠道">
          <Select style={{ width: 200 }} options={Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item
          name="name"
          label="账号名"
          rules={[{ required: true, pattern: /^[a-z0-9_-]{1,64}$/, message: '小写字母、数字、- 和 _' }]}
        >
          <Input placeholder="如 sales" />
        </Form.Item>
      </Space>
      <Space wrap>
        {FIELDS[channel].map((field) => (
          <Form.Item
            key={`${channel}-${field}`}
            name={['fields', field]}
            label={FIELD_LABELS[field] ?? field}
            rules={[{ required: !GENERATED.has(field), message: `请填写 ${FIELD_LABELS[field] ?? field}` }]}
          >
            <Input placeholder={GENERATED.has(field) ? '留空则自动生成' : ''} />
          </Form.Item>
        ))}
      </Space>
      {channel === 'web' && (
        <Space align="start" size="large" wrap>
          <div>
            <Form.Item name="allowedOrigins" label="允许嵌入的网站（逗号分隔）">
              <Input placeholder="https://shop.example.com" />
            </Form.Item>
            <Form.Item name={['appearance', 'color']} label="主色" rules={[{ pattern: /^#[0-9a-fA-F]{6}$/, message: '如 #c2410c' }]}>
              <Input placeholder="#c2410c" />
            </Form.Item>
            <Form.Item name={['appearance', 'title']} label="标题">
              <Input placeholder="在线客服" />
            </Form.Item>
            <Form.Item name={['appearance', 'subtitle']} label="副标题">
              <Input placeholder="通常几秒内回复" />
            </Form.Item>
          </div>
          <WidgetPreview appearance={appearance} />
        </Space>
      )}
      <Button type="primary" htmlType="submit" loading={add.isPending}>
        添加并生成密钥
      </Button>
    </Form>
  );
}

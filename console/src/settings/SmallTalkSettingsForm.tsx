import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Select, Space, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import { SettingsPreviewResult } from './SettingsPreviewResult';
import type { SmallTalkDocument, SmallTalkSettings } from './settings-queries';
import { useSectionEditor } from './use-section-editor';

type KindForm = SmallTalkDocument['kinds'][number];

const KIND_LABELS: Record<string, string> = { thanks: '感谢', acknowledgement: '确认', greeting: '问候' };

/** Every kind of smalltalk.json with the company's settings of it, then the company's own kinds. */
function formKinds(settings: SmallTalkSettings): KindForm[] {
  const own = new Map(settings.document.kinds.map((k) => [k.kind, k]));
  const known = new Set(settings.defaults.map((k) => k.kind));
  return [
    ...settings.defaults.map((d) => own.get(d.kind) ?? { kind: d.kind, enabled: true, phrases: [] }),
    ...settings.document.kinds.filter((k) => !known.has(k.kind)),
  ];
}

/** The document as saved: a default kind left as it is is no setting; an emptied reply is none. */
function documentOf(kinds: KindForm[] | undefined, settings: SmallTalkSettings): SmallTalkDocument {
  const known = new Set(settings.defaults.map((k) => k.kind));
  return {
    kinds: (kinds ?? [])
      .map((k) => ({ ...k, enabled: k.enabled ?? true, phrases: k.phrases ?? [], reply: k.reply?.trim() ? k.reply : undefined }))
      .filter((k) => !known.has(k.kind) || !k.enabled || k.phrases.length > 0 || k.reply !== undefined),
  };
}

/**
 * Small talk (PUT /api/settings/smalltalk): per kind of config/brain/smalltalk.json, phrases of the
 * company's own, its reply, or the kind turned off; and kinds of its own (告别…). The reply to a
 * greeting is the 欢迎语 of 人设与欢迎语.
 */
export function SmallTalkSettingsForm({ settings }: { settings: SmallTalkSettings }) {
  const [form] = Form.useForm<{ kinds: KindForm[] }>();
  useEffect(() => form.setFieldsValue({ kinds: formKinds(settings) }), [form, settings]);
  const defaults = new Map(settings.defaults.map((k) => [k.kind, k]));
  const { save, preview } = useSectionEditor<SmallTalkDocument>({
    save: (document) => answerOf(api.PUT('/api/settings/smalltalk', { body: { baseVersion: settings.version, document } })),
    preview: (document) => answerOf(api.POST('/api/settings/smalltalk/preview', { body: { document } })),
  });

  return (
    <Form<{ kinds: KindForm[] }>
      form={form}
      layout="vertical"
      className="smalltalk-settings"
      onValuesChange={() => preview.reset()}
      onFinish={(values) => save.mutate(documentOf(values.kinds, settings))}
    >
      <Typography.Paragraph type="secondary">
        客户只说这些话时，机器人直接回复，不去知识库查找；问题开头或结尾的寒暄会被去掉再查找。
      </Typography.Paragraph>
      <Form.List name="kinds">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => {
              const kind: string = form.getFieldValue(['kinds', field.name, 'kind']) ?? '';
              const builtIn = defaults.get(kind);
              const name = builtIn ? (KIND_LABELS[kind] ?? kind) : '自定义类别';
              return (
                <Card
                  size="small"
                  key={field.key}
                  className="smalltalk-kind"
                  title={name}
                  extra={
                    builtIn ? (
                      <Form.Item name={[field.name, 'enabled']} valuePropName="checked" noStyle>
                        <Switch checkedChildren="启用" unCheckedChildren="关闭" aria-label={`启用${name}`} />
                      </Form.Item>
                    ) : (
                      <Button type="text" icon={<MinusCircleOutlined />} aria-label="删除此类别" onClick={() => remove(field.name)} />
                    )
                  }
                >
                  {builtIn ? (
                    <>
                      {/* Registered, so the kind's name is among the values the form submits. */}
                      <Form.Item name={[field.name, 'kind']} hidden>
                        <Input />
                      </Form.Item>
                      <Typography.Paragraph type="secondary">默认说法：{builtIn.phrases.join('、')}</Typography.Paragraph>
                    </>
                  ) : (
                    <Form.Item
                      name={[field.name, 'kind']}
                      label="类别代号（英文）"
                      rules={[{ required: true, pattern: /^[a-z][a-z0-9_-]{0,39}$/, message: '小写英文字母开头，如 goodbye' }]}
                    >
                      <Input placeholder="goodbye" maxLength={40} />
                    </Form.Item>
                  )}
                  <Form.Item name={[field.name, 'phrases']} label={builtIn ? '本公司补充的说法' : '说法'}>
                    <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} aria-label={`${name}的说法`} />
                  </Form.Item>
                  {kind !== 'greeting' && (
                    <Form.Item name={[field.name, 'reply']} label="回复" extra={builtIn ? `不填则为：${builtIn.reply}` : undefined}>
                      <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={500} aria-label={`${name}的回复`} />
                    </Form.Item>
                  )}
                </Card>
              );
            })}
            <Button icon={<PlusOutlined />} onClick={() => add({ kind: '', enabled: true, phrases: [] })}>
              添加寒暄类别
            </Button>
          </>
        )}
      </Form.List>
      {preview.isError && <Alert type="error" showIcon message={(preview.error as Error).message} />}
      {preview.data && <SettingsPreviewResult preview={preview.data} />}
      <Space className="settings-actions">
        <Button
          loading={preview.isPending}
          onClick={() => void form.validateFields().then((values) => preview.mutate(documentOf(values.kinds, settings)))}
        >
          预览
        </Button>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Space>
    </Form>
  );
}

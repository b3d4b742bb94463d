import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import type { ConnectionCheck, ModelDocument, ModelSettings } from './settings-queries';
import { useSaveSettings } from './use-save-settings';

type ModelForm = Omit<ModelDocument, 'baseUrl' | 'model'> & { baseUrl?: string; model?: string; apiKey?: string };

/** An empty base URL and model mean offline mode: left out, as the schema wants. */
const blankAsUnset = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

function checkText(check: ConnectionCheck): string {
  if (check.ok) return `连接成功（${check.ms} ms）`;
  if (check.status === 401) return `API Key 无效（401 ${check.code ?? ''}）`;
  if (check.status === 404) return `找不到模型或地址（404 ${check.code ?? ''}）`;
  return `连接失败：${check.status ? `${check.status} ` : ''}${check.message ?? ''}`;
}

/**
 * The chat model (PUT /api/settings/model): endpoint, model, temperature, memory budgets, and the
 * API key, which is write-only: the page shows it masked and sends it only when one is typed.
 * 测试连接 tries what is in the form before it is saved.
 */
export function ModelSettingsForm({ settings }: { settings: ModelSettings }) {
  const [form] = Form.useForm<ModelForm>();
  useEffect(() => form.setFieldsValue({ ...settings.document, apiKey: '' }), [form, settings]);
  const save = useSaveSettings(({ apiKey, baseUrl, model, ...rest }: ModelForm) =>
    answerOf(
      api.PUT('/api/settings/model', {
        body: {
          baseVersion: settings.version,
          document: { ...rest, baseUrl: blankAsUnset(baseUrl), model: blankAsUnset(model) },
          ...(apiKey?.trim() && { apiKey: apiKey.trim() }),
        },
      }),
    ),
  );
  const test = useMutation({
    mutationFn: ({ baseUrl, model, apiKey }: ModelForm) =>
      answerOf(
        api.POST('/api/settings/model/test', {
          body: { baseUrl: baseUrl ?? '', model: model ?? '', ...(apiKey?.trim() && { apiKey: apiKey.trim() }) },
        }),
      ),
  });
  const keyNote =
    settings.apiKey.from === 'console'
      ? `已保存：${settings.apiKey.masked}`
      : settings.apiKey.from === 'environment'
        ? `使用环境变量 LLM_API_KEY：${settings.apiKey.masked}`
        : '未设置';

  return (
    <Form<ModelForm> form={form} layout="vertical" className="model-settings" onFinish={(values) => save.mutate(values)}>
      <Typography.Paragraph type="secondary">
        任何兼容 OpenAI 接口的模型服务（DeepSeek、通义千问、Ollama 等）。地址和模型都不填即为离线模式，只用知识库回答。
      </Typography.Paragraph>
      <Form.Item name="baseUrl" label="接口地址（Base URL）" rules={[{ type: 'url', message: '请输入 http(s):// 开头的地址' }]}>
        <Input placeholder="https://api.deepseek.com/v1" />
      </Form.Item>
      <Form.Item name="model" label="模型">
        <Input placeholder="deepseek-chat" />
      </Form.Item>
      <Form.Item name="apiKey" label="API Key" extra={`${keyNote}。只写不读：留空则保持不变。`}>
        <Input.Password autoComplete="new-password" placeholder="输入新的 Key 以更换" visibilityToggle={false} />
      </Form.Item>
      <Space wrap size="large" align="start">
        <Form.Item name="temperature" label="温度（temperature）" rules={[{ required: true }]}>
          <InputNumber min={0} max={2} step={0.1} />
        </Form.Item>
        <Form.Item name="recentTokens" label="近期对话 token 预算" rules={[{ required: true }]}>
          <InputNumber min={1} max={100000} />
        </Form.Item>
        <Form.Item name="summaryTokens" label="对话摘要 token 预算" rules={[{ required: true }]}>
          <InputNumber min={1} max={100000} />
        </Form.Item>
      </Space>
      {test.data && (
        <Alert className="connection-check" type={test.data.ok ? 'success' : 'error'} showIcon message={checkText(test.data)} />
      )}
      {test.isError && <Alert className="connection-check" type="error" showIcon message={(test.error as Error).message} />}
      <Space className="settings-actions">
        <Button
          loading={test.isPending}
          onClick={() => void form.validateFields(['baseUrl', 'model']).then(() => test.mutate(form.getFieldsValue()))}
        >
          测试连接
        </Button>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Space>
    </Form>
  );
}

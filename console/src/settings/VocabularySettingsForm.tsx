import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { answerOf, api } from '../api/client';
import { SettingsPreviewResult } from './SettingsPreviewResult';
import type { VocabularyDocument, VocabularySettings } from './settings-queries';
import { useSectionEditor } from './use-section-editor';

/** Words are typed and ended with Enter, a space or a comma, as tags. */
const tagsProps = { mode: 'tags' as const, open: false, tokenSeparators: [' ', ',', '，'], suffixIcon: null };

/**
 * The company's own vocabulary (PUT /api/settings/vocabulary): synonym groups, words the
 * segmenter must keep whole, stopwords. 预览 shows what it would change on the company's own
 * questions before it is saved; saved, every worker rebuilds its knowledge indexes with it.
 */
export function VocabularySettingsForm({ settings }: { settings: VocabularySettings }) {
  const [form] = Form.useForm<VocabularyDocument>();
  useEffect(() => form.setFieldsValue(settings.document), [form, settings]);
  const { save, preview } = useSectionEditor<VocabularyDocument>({
    save: (document) => answerOf(api.PUT('/api/settings/vocabulary', { body: { baseVersion: settings.version, document } })),
    preview: (document) => answerOf(api.POST('/api/settings/vocabulary/preview', { body: { document } })),
  });
  const documentOf = (values: VocabularyDocument): VocabularyDocument => ({
    synonyms: (values.synonyms ?? []).filter((group) => group && group.length > 0),
    words: values.words ?? [],
    stopwords: values.stopwords ?? [],
  });

  return (
    <Form<VocabularyDocument>
      form={form}
      layout="vertical"
      className="vocabulary-settings"
      onValuesChange={() => preview.reset()}
      onFinish={(values) => save.mutate(documentOf(values))}
    >
      <Typography.Paragraph type="secondary">
        本公司的说法，补充在通用词表之前（通用词表不会被修改）。同义词组中每个词都按第一个词理解，例如「洗牙 洁治 洁牙」。
      </Typography.Paragraph>
      <Typography.Title level={5}>同义词组</Typography.Title>
      <Form.List name="synonyms">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Space key={field.key} className="synonym-group" align="start">
                <Form.Item name={field.name} rules={[{ required: true, type: 'array', min: 2, message: '至少两个词' }]}>
                  <Select {...tagsProps} aria-label={`同义词组 ${i + 1}`} placeholder="输入词语后按回车" style={{ minWidth: 420 }} />
                </Form.Item>
                <Button
                  type="text"
                  icon={<MinusCircleOutlined />}
                  aria-label={`删除同义词组 ${i + 1}`}
                  onClick={() => remove(field.name)}
                />
              </Space>
            ))}
            <Form.Item>
              <Button icon={<PlusOutlined />} onClick={() => add([])}>
                添加同义词组
              </Button>
            </Form.Item>
          </>
        )}
      </Form.List>
      <Form.Item name="words" label="专有词（产品、服务名称，分词时保持完整）">
        <Select {...tagsProps} aria-label="专有词" placeholder="例如 烤瓷牙 种植牙" />
      </Form.Item>
      <Form.Item name="stopwords" label="停用词（问题中不表达意思的词）">
        <Select {...tagsProps} aria-label="停用词" />
      </Form.Item>
      {preview.isError && <Alert type="error" showIcon message={(preview.error as Error).message} />}
      {preview.data && <SettingsPreviewResult preview={preview.data} />}
      <Space className="settings-actions">
        <Button loading={preview.isPending} onClick={() => void form.validateFields().then((values) => preview.mutate(documentOf(values)))}>
          预览
        </Button>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Space>
    </Form>
  );
}

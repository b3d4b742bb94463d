import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Form, Input, Select, Space, Switch, TimePicker, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { answerOf, api } from '../api/client';
import { type BusinessHoursForm as HoursForm, fromForm, toForm, WEEKDAYS } from './business-hours-values';
import type { BusinessHoursSettings } from './settings-queries';
import { SaveSettingsButton } from './SaveSettingsButton';
import { useSaveSettings } from './use-save-settings';

/**
 * Business hours (PUT /api/settings/hours): per weekday the hours people answer, closed dates, and
 * what a customer handed to a person out of hours is told. Off = always open.
 */
export function BusinessHoursForm({ settings }: { settings: BusinessHoursSettings }) {
  const [form] = Form.useForm<HoursForm>();
  useEffect(() => form.setFieldsValue(toForm(settings.document)), [form, settings]);
  const save = useSaveSettings((values: HoursForm) =>
    answerOf(api.PUT('/api/settings/hours', { body: { baseVersion: settings.version, document: fromForm(values) } })),
  );
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((zone) => ({ value: zone, label: zone })), []);

  return (
    <Form<HoursForm> form={form} layout="vertical" className="business-hours" onFinish={(values) => save.mutate(values)}>
      <Typography.Paragraph type="secondary">
        {settings.version === 0 ? '当前未设置营业时间：随时转人工。' : `当前为第 ${settings.version} 版。`}
        非营业时间转人工时，客户收到下面的「非营业时间回复」（代替「正在为您转接」），会话照常进入人工队列，客服上班后处理。
      </Typography.Paragraph>
      <Space wrap size="large" align="start">
        <Form.Item name="enabled" label="按营业时间接待" valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="timezone" label="时区" rules={[{ required: true }]}>
          <Select showSearch options={zones} style={{ width: 220 }} aria-label="时区" />
        </Form.Item>
      </Space>
      {WEEKDAYS.map(([day, label]) => (
        <Form.List key={day} name={['weekly', day]}>
          {(fields, { add, remove }) => (
            <div className="weekday-hours" data-day={day}>
              <Space wrap align="start">
                <Typography.Text strong style={{ display: 'inline-block', width: 40 }}>
                  {label}
                </Typography.Text>
                {fields.length === 0 && <Typography.Text type="secondary">休息</Typography.Text>}
                {fields.map((field) => (
                  <Space key={field.key} align="start">
                    <Form.Item name={field.name} rules={[{ required: true, message: '请选择时间段' }]}>
                      <TimePicker.RangePicker format="HH:mm" minuteStep={5} order aria-label={`${label}营业时间`} />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={`删除${label}时间段`}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} aria-label={`添加${label}时间段`} onClick={() => add()} />
              </Space>
            </div>
          )}
        </Form.List>
      ))}
      <Typography.Title level={5}>休息日（节假日）</Typography.Title>
      <Form.List name="closures">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Card size="small" key={field.key} className="closure">
                <Space wrap align="start">
                  <Form.Item name={[field.name, 'date']} label="日期" rules={[{ required: true, message: '请选择日期' }]}>
                    <DatePicker aria-label="休息日期" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'note']} label="备注">
                    <Input maxLength={100} placeholder="如：春节" />
                  </Form.Item>
                  <Button type="text" icon={<MinusCircleOutlined />} aria-label="删除休息日" onClick={() => remove(field.name)} />
                </Space>
              </Card>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add()}>
              添加休息日
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item name="message" label="非营业时间回复" rules={[{ required: true, whitespace: true }]} style={{ marginTop: 16 }}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} />
      </Form.Item>
      <SaveSettingsButton save={save} />
    </Form>
  );
}

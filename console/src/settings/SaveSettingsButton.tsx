import { Alert, Button, Form } from 'antd';

/** The foot of a settings form: what went wrong with the last save, and 保存. */
export function SaveSettingsButton({ save }: { save: { isError: boolean; isPending: boolean } }) {
  return (
    <>
      {save.isError && <Alert className="settings-error" type="error" showIcon message="未保存" />}
      <Form.Item className="settings-actions">
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Form.Item>
    </>
  );
}

import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { ApiError } from '../api/client';
import { useLogIn } from './session';

function loginProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return '邮箱或密码不正确';
  if (error instanceof ApiError && error.status === 429) return '尝试次数过多，请稍后再试';
  if (error instanceof ApiError && error.status === 400) return '请填写有效的邮箱和密码';
  return '暂时无法登录，请稍后再试';
}

/** POST /api/auth/login: the server sets the session cookie and answers the CSRF token. */
export function LoginPage() {
  const logIn = useLogIn();
  return (
    <main className="login-page">
      <Card className="login-card" title={<Typography.Title level={3}>kefu-hub 客服工作台</Typography.Title>}>
        <Form layout="vertical" requiredMark={false} onFinish={(values: { email: string; password: string }) => logIn.mutate(values)}>
          <Form.Item label="邮箱" name="email" rules={[{ required: true, type: 'email', message: '请输入邮箱' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {logIn.isError && <Alert className="login-error" type="error" showIcon title={loginProblem(logIn.error)} />}
          <Button type="primary" htmlType="submit" block loading={logIn.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}

import { Button, Result, Spin } from 'antd';
import { isSignedOut, useMe } from '../auth/session';
import { LoginPage } from '../auth/LoginPage';
import { Workspace } from './Workspace';

/** Signed in: the workspace; signed out: the login page. */
export function App() {
  const me = useMe();
  if (me.isPending) return <Spin fullscreen />;
  if (me.isError && isSignedOut(me.error)) return <LoginPage />;
  if (me.isError)
    return (
      <Result
        status="error"
        title="无法连接服务"
        subTitle={me.error.message}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            重试
          </Button>
        }
      />
    );
  return <Workspace me={me.data} />;
}

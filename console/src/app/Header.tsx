import { BellOutlined, LogoutOutlined } from '@ant-design/icons';
import { Badge, Button, Layout, Space, Tag, Tooltip, Typography } from 'antd';
import type { Me } from '../api/client';
import { useLogOut } from '../auth/session';
import type { LiveState } from '../live/use-live-events';
import { DutySwitch } from '../me/DutySwitch';
import { PresenceSwitch } from '../me/PresenceSwitch';
import { ROLE_LABELS } from './labels';
import { CONSOLE_PAGES } from './pages';
import { openPage } from './route';

/** The top bar: who is signed in, whether live updates flow, alerts on, presence and duty (not for marketers, who hold no conversations), and log out. */
export function Header({ me, live }: { me: Me; live: LiveState }) {
  const logOut = useLogOut();
  const answers = me.user.role !== 'marketer';
  return (
    <Layout.Header className="workspace-header">
      <Typography.Text strong className="brand">
        kefu-hub 客服工作台
      </Typography.Text>
      <Space size="small" wrap={false}>
        <Tooltip title={live.connected ? '新会话和消息会自动出现' : '正在重新连接，列表会定时刷新'}>
          <Badge
            status={live.connected ? 'success' : 'warning'}
            text={<span className="header-text">{live.connected ? '实时' : '重连中'}</span>}
          />
        </Tooltip>
        <Tooltip title={live.alertsOn ? '有客户等待人工时会响铃并弹出桌面通知' : '开启响铃和桌面通知'}>
          <Button
            size="small"
            type={live.alertsOn ? 'primary' : 'default'}
            icon={<BellOutlined />}
            aria-pressed={live.alertsOn}
            onClick={() => void live.enableAlerts()}
            aria-label="提醒"
          >
            <span className="header-text">提醒</span>
          </Button>
        </Tooltip>
        {CONSOLE_PAGES.filter((page) => page.allowed(me)).map((page) => (
          // On a narrower screen the pages are icons (console.css): the tooltip names them there.
          <Tooltip key={page.name} title={page.label}>
            <Button size="small" icon={page.icon} aria-label={page.label} onClick={() => openPage(page.name)}>
              <span className="header-text page-label">{page.label}</span>
            </Button>
          </Tooltip>
        ))}
        {answers && <PresenceSwitch />}
        {answers && <DutySwitch />}
        <span className="who">
          {me.user.displayName} <Tag>{ROLE_LABELS[me.user.role]}</Tag>
        </span>
        <Button size="small" icon={<LogoutOutlined />} loading={logOut.isPending} onClick={() => logOut.mutate()} aria-label="退出">
          <span className="header-text">退出</span>
        </Button>
      </Space>
    </Layout.Header>
  );
}

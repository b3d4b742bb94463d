import {
  ApiOutlined,
  BarChartOutlined,
  BookOutlined,
  MessageOutlined,
  QuestionCircleOutlined,
  RobotOutlined,
  TagsOutlined,
} from '@ant-design/icons';
import { type ComponentType, lazy, type ReactNode } from 'react';
import type { Me } from '../api/client';
import { managesAudience, managesConversations } from '../auth/session';

/**
 * The console's full pages beside the workspace, one entry each: its address (/console/<name>),
 * its button in the header, who may open it (the server checks again on every call), and its code,
 * loaded when it is opened so an agent never downloads an admin's pages.
 */
export interface ConsolePage {
  name: string;
  label: string;
  icon: ReactNode;
  allowed(me: Me): boolean;
  Page: ComponentType<{ me: Me }>;
}

const isAdmin = (me: Me) => me.user.role === 'admin';

export const CONSOLE_PAGES: ConsolePage[] = [
  {
    name: 'quick-replies',
    label: '快捷回复',
    icon: <MessageOutlined />,
    allowed: managesConversations,
    Page: lazy(() => import('../quick-replies/QuickRepliesPage').then((m) => ({ default: m.QuickRepliesPage }))),
  },
  {
    name: 'knowledge',
    label: '知识库',
    icon: <BookOutlined />,
    allowed: isAdmin,
    Page: lazy(() => import('../knowledge/KnowledgePage').then((m) => ({ default: m.KnowledgePage }))),
  },
  {
    name: 'settings',
    label: '机器人设置',
    icon: <RobotOutlined />,
    allowed: isAdmin,
    Page: lazy(() => import('../settings/BotSettingsPage').then((m) => ({ default: m.BotSettingsPage }))),
  },
  {
    name: 'channels',
    label: '渠道',
    icon: <ApiOutlined />,
    allowed: isAdmin,
    Page: lazy(() => import('../channels/ChannelsPage').then((m) => ({ default: m.ChannelsPage }))),
  },
  {
    name: 'audience',
    label: '客户运营',
    icon: <TagsOutlined />,
    allowed: managesAudience,
    Page: lazy(() => import('../audience/AudiencePage').then((m) => ({ default: m.AudiencePage }))),
  },
  {
    name: 'unanswered',
    label: '未知问题',
    icon: <QuestionCircleOutlined />,
    allowed: managesConversations,
    // Supervisors read the questions; only admins turn them into answers.
    Page: lazy(() =>
      import('../unanswered/UnansweredPage').then((m) => ({
        default: ({ me }: { me: Me }) => <m.UnansweredPage canAnswer={isAdmin(me)} />,
      })),
    ),
  },
  {
    name: 'dashboard',
    label: '数据看板',
    icon: <BarChartOutlined />,
    allowed: managesConversations,
    // ECharts is the biggest part of the console: only this page loads it.
    Page: lazy(() => import('../dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage }))),
  },
];

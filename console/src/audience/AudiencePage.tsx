import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Space, Tabs, Typography } from 'antd';
import { openConversation } from '../app/route';
import { BroadcastsTab } from './BroadcastsTab';
import { RulesTab } from './RulesTab';
import { SegmentsTab } from './SegmentsTab';
import { TagsTab } from './TagsTab';

/** 客户运营, for marketers and admins: tags, the rules that set them, segments and broadcasts (docs/marketing.md). */
export function AudiencePage() {
  return (
    <div className="settings-page">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>客户运营</Typography.Title>
      </Space>
      <Tabs
        items={[
          { key: 'tags', label: '标签', children: <TagsTab /> },
          { key: 'rules', label: '打标规则', children: <RulesTab /> },
          { key: 'segments', label: '客户分群', children: <SegmentsTab /> },
          { key: 'broadcasts', label: '群发', children: <BroadcastsTab /> },
        ]}
      />
    </div>
  );
}

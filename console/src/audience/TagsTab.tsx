import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { answerOf, api } from '../api/client';
import { ConfirmDelete } from '../app/ConfirmDelete';
import { useAudienceChange, useTagGroups, useWecomTagSync } from './audience-queries';
import { ContactImport } from './ContactImport';

const SYNC_STATES: Record<string, string> = { idle: '从未同步', running: '同步中…', done: '已同步', failed: '同步失败' };

/** Tag groups and their tags, with how many customers carry each; add and remove them. */
export function TagsTab() {
  const groups = useTagGroups();
  const [newGroup, setNewGroup] = useState('');
  const addGroup = useAudienceChange((name: string) => answerOf(api.POST('/api/tag-groups', { body: { name } })), '已添加分组');
  const removeGroup = useAudienceChange((id: number) => answerOf(api.DELETE('/api/tag-groups/{id}', { params: { path: { id } } })));
  const removeTag = useAudienceChange((id: number) => answerOf(api.DELETE('/api/tags/{id}', { params: { path: { id } } })));
  const sync = useWecomTagSync();
  const startSync = useAudienceChange(() => answerOf(api.POST('/api/tag-sync/wecom')), '已开始与企业微信同步');

  return (
    <Flex vertical gap="middle">
      <Space.Compact style={{ maxWidth: 360 }}>
        <Input
          placeholder="新分组名称，如 客户等级"
          value={newGroup}
          maxLength={50}
          onChange={(e) => setNewGroup(e.target.value)}
          aria-label="新分组名称"
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={!newGroup.trim()}
          onClick={() => addGroup.mutate(newGroup.trim(), { onSuccess: () => setNewGroup('') })}
        >
          添加分组
        </Button>
      </Space.Compact>
      <Space>
        <Button
          icon={<SyncOutlined spin={sync.data?.state === 'running'} />}
          disabled={sync.data?.state === 'running'}
          onClick={() => startSync.mutate(undefined)}
        >
          同步企业微信标签
        </Button>
        {sync.data && (
          <Typography.Text type={sync.data.state === 'failed' ? 'danger' : 'secondary'} data-tag-sync={sync.data.state}>
            {SYNC_STATES[sync.data.state]}
            {sync.data.state === 'done' && `：导入 ${sync.data.imported}，推送 ${sync.data.pushed}`}
            {sync.data.lastError && `（${sync.data.lastError}）`}
          </Typography.Text>
        )}
      </Space>
      <ContactImport />
      {groups.data?.groups.length === 0 && <Empty description="还没有标签" />}
      {groups.data?.groups.map((group) => (
        <Card
          key={group.id}
          size="small"
          title={group.name}
          data-tag-group={group.name}
          extra={
            <ConfirmDelete
              title={`删除分组「${group.name}」？`}
              label="删除分组"
              type="text"
              onConfirm={() => removeGroup.mutate(group.id)}
            />
          }
        >
          <Flex wrap gap="small" align="center">
            {group.tags.map((tag) => (
              <Tag
                key={tag.id}
                closable={tag.wecom !== 'read_only'}
                color={tag.wecom === 'none' ? undefined : 'green'}
                title={
                  tag.wecom === 'read_only' ? '企业微信中其他应用创建的标签，只读' : tag.wecom === 'synced' ? '已同步到企业微信' : undefined
                }
                onClose={(e) => {
                  e.preventDefault();
                  removeTag.mutate(tag.id);
                }}
              >
                {tag.name} <Typography.Text type="secondary">{tag.customers}</Typography.Text>
              </Tag>
            ))}
            <NewTag groupId={group.id} />
          </Flex>
        </Card>
      ))}
    </Flex>
  );
}

function NewTag({ groupId }: { groupId: number }) {
  const [name, setName] = useState('');
  const add = useAudienceChange((tag: string) => answerOf(api.POST('/api/tags', { body: { groupId, name: tag } })));
  const submit = () => name.trim() && add.mutate(name.trim(), { onSuccess: () => setName('') });
  return (
    <Input
      size="small"
      style={{ width: 140 }}
      placeholder="+ 新标签"
      aria-label="新标签"
      value={name}
      maxLength={50}
      onChange={(e) => setName(e.target.value)}
      onPressEnter={submit}
    />
  );
}

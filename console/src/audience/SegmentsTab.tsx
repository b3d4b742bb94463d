import { DownloadOutlined } from '@ant-design/icons';
import { Button, Checkbox, Divider, Flex, Form, Input, InputNumber, List, Select, Space, Statistic, Switch, Tag, Typography } from 'antd';
import { useDeferredValue, useState } from 'react';
import { answerOf, api } from '../api/client';
import { ConfirmDelete } from '../app/ConfirmDelete';
import { overlayContainer } from '../app/overlay-container';
import { type Segment, type SegmentFilter, useAudienceChange, useSegmentPreview, useSegments, useTagGroups } from './audience-queries';

const CHANNELS = [
  { value: 'wecom', label: '企业微信' },
  { value: 'wechat-mp', label: '公众号' },
  { value: 'wecom-kf', label: '微信客服' },
  { value: 'web', label: '网页' },
] as const;

interface EditorState {
  name: string;
  any: number[];
  all: number[];
  none: number[];
  channels: SegmentFilter['channels'];
  lastContactDays?: number | null;
  reachableNow: boolean;
}

const EMPTY: EditorState = { name: '', any: [], all: [], none: [], channels: undefined, lastContactDays: null, reachableNow: false };

/** The editor's state as the API's filter: only the conditions set. */
function filterOf(s: EditorState): SegmentFilter {
  const tags = {
    ...(s.any.length > 0 && { any: s.any }),
    ...(s.all.length > 0 && { all: s.all }),
    ...(s.none.length > 0 && { none: s.none }),
  };
  return {
    ...(Object.keys(tags).length > 0 && { tags }),
    ...(s.channels && s.channels.length > 0 && { channels: s.channels }),
    ...(s.lastContactDays && {
      lastContact: { from: new Date(Date.now() - s.lastContactDays * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z' },
    }),
    ...(s.reachableNow && { reachableNow: true }),
  };
}

/** Segments: build a filter with a live count and preview, save it, export it as CSV. */
export function SegmentsTab() {
  const segments = useSegments();
  const groups = useTagGroups();
  const [editor, setEditor] = useState<EditorState>(EMPTY);
  const filter = useDeferredValue(filterOf(editor));
  const preview = useSegmentPreview(filter);
  const tags = (groups.data?.groups ?? []).flatMap((g) => g.tags.map((t) => ({ value: t.id, label: `${g.name} / ${t.name}` })));
  const save = useAudienceChange(
    (s: EditorState) => answerOf(api.POST('/api/segments', { body: { name: s.name.trim(), filter: filterOf(s) } })),
    '分群已保存',
  );
  const remove = useAudienceChange((id: number) => answerOf(api.DELETE('/api/segments/{id}', { params: { path: { id } } })));
  const set = (change: Partial<EditorState>) => setEditor((s) => ({ ...s, ...change }));
  const tagSelect = (key: 'any' | 'all' | 'none', label: string) => (
    <Form.Item label={label}>
      <Select
        mode="multiple"
        options={tags}
        value={editor[key]}
        onChange={(v) => set({ [key]: v })}
        optionFilterProp="label"
        aria-label={label}
        getPopupContainer={overlayContainer}
      />
    </Form.Item>
  );

  return (
    <Flex gap="large" wrap>
      <Form layout="vertical" style={{ flex: '1 1 360px', maxWidth: 480 }}>
        {tagSelect('any', '有任一标签')}
        {tagSelect('all', '有全部标签')}
        {tagSelect('none', '没有这些标签')}
        <Form.Item label="渠道">
          <Checkbox.Group
            options={[...CHANNELS]}
            value={editor.channels ?? []}
            onChange={(v) => set({ channels: v as SegmentFilter['channels'] })}
          />
        </Form.Item>
        <Form.Item label="最近联系（天内）">
          <InputNumber
            min={1}
            max={3650}
            value={editor.lastContactDays}
            onChange={(v) => set({ lastContactDays: v })}
            aria-label="最近联系天数"
          />
        </Form.Item>
        <Form.Item label="现在可触达（在渠道的回复窗口和额度内）">
          <Switch checked={editor.reachableNow} onChange={(v) => set({ reachableNow: v })} aria-label="现在可触达" />
        </Form.Item>
        <Space.Compact style={{ width: '100%' }}>
          <Input
            placeholder="分群名称"
            value={editor.name}
            maxLength={100}
            onChange={(e) => set({ name: e.target.value })}
            aria-label="分群名称"
          />
          <Button
            type="primary"
            disabled={!editor.name.trim()}
            loading={save.isPending}
            onClick={() => save.mutate(editor, { onSuccess: () => setEditor(EMPTY) })}
          >
            保存分群
          </Button>
        </Space.Compact>
      </Form>
      <Flex vertical style={{ flex: '1 1 360px' }}>
        <Statistic title="符合条件的客户" value={preview.data?.count ?? 0} loading={preview.isPending} />
        <List
          size="small"
          className="segment-preview"
          dataSource={preview.data?.customers}
          locale={{ emptyText: '没有符合条件的客户' }}
          renderItem={(c) => (
            <List.Item data-customer={c.externalId}>
              <Space wrap>
                <Typography.Text>{c.displayName ?? c.externalId}</Typography.Text>
                <Typography.Text type="secondary">{c.channel}</Typography.Text>
                {c.tags.map((t) => (
                  <Tag key={t}>{t}</Tag>
                ))}
              </Space>
            </List.Item>
          )}
        />
        <Divider titlePlacement="start">已保存的分群</Divider>
        <List<Segment>
          size="small"
          dataSource={segments.data?.segments}
          locale={{ emptyText: '还没有分群' }}
          renderItem={(s) => (
            <List.Item
              data-segment={s.name}
              actions={[
                <Button key="csv" size="small" icon={<DownloadOutlined />} href={`/api/segments/${s.id}/export`}>
                  导出
                </Button>,
                <ConfirmDelete key="rm" title={`删除分群「${s.name}」？`} onConfirm={() => remove.mutate(s.id)} />,
              ]}
            >
              {s.name}
            </List.Item>
          )}
        />
      </Flex>
    </Flex>
  );
}

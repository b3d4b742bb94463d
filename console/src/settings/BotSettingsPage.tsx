import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Result, Space, Spin, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { openConversation } from '../app/route';
import { BusinessHoursForm } from './BusinessHoursForm';
import { HandoffSettingsForm } from './HandoffSettingsForm';
import { HoldNoticeForm } from './HoldNoticeForm';
import { ModelSettingsForm } from './ModelSettingsForm';
import { PersonaSettingsForm } from './PersonaSettingsForm';
import { SettingsChanges } from './SettingsChanges';
import {
  useBusinessHours,
  useHandoffSettings,
  useHoldNoticeSettings,
  useModelSettings,
  usePersonaSettings,
  useSmallTalkSettings,
  useVocabularySettings,
} from './settings-queries';
import { SmallTalkSettingsForm } from './SmallTalkSettingsForm';
import { VocabularySettingsForm } from './VocabularySettingsForm';

/** A section's form once its settings are read. */
function loaded<T>(query: { data?: T; isError: boolean; error: Error | null }, form: (data: T) => ReactNode) {
  if (query.data) return form(query.data);
  if (query.isError) return <Result status="error" title="无法读取设置" subTitle={query.error?.message} />;
  return <Spin />;
}

/** 机器人设置 (admins): who the bot is, its model, when it hands over to a person, and the audit trail of every change. */
export function BotSettingsPage() {
  const persona = usePersonaSettings();
  const model = useModelSettings();
  const handoff = useHandoffSettings();
  const hours = useBusinessHours();
  const holdNotice = useHoldNoticeSettings();
  const vocabulary = useVocabularySettings();
  const smallTalk = useSmallTalkSettings();
  return (
    <div className="settings-page">
      <Space className="settings-header">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>机器人设置</Typography.Title>
      </Space>
      <Tabs
        items={[
          {
            key: 'persona',
            label: '人设与欢迎语',
            children: loaded(persona, (settings) => <PersonaSettingsForm settings={settings} />),
          },
          { key: 'model', label: '大模型', children: loaded(model, (settings) => <ModelSettingsForm settings={settings} />) },
          { key: 'handoff', label: '转人工规则', children: loaded(handoff, (settings) => <HandoffSettingsForm settings={settings} />) },
          { key: 'hours', label: '营业时间', children: loaded(hours, (settings) => <BusinessHoursForm settings={settings} />) },
          { key: 'holdNotice', label: '等待提示', children: loaded(holdNotice, (settings) => <HoldNoticeForm settings={settings} />) },
          { key: 'vocabulary', label: '词汇', children: loaded(vocabulary, (settings) => <VocabularySettingsForm settings={settings} />) },
          { key: 'smalltalk', label: '寒暄', children: loaded(smallTalk, (settings) => <SmallTalkSettingsForm settings={settings} />) },
          { key: 'changes', label: '修改记录', children: <SettingsChanges /> },
        ]}
      />
    </div>
  );
}

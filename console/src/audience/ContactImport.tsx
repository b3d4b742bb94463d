import { TeamOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { answerOf, api } from '../api/client';
import { useAudienceChange, useWecomContactImport } from './audience-queries';

const IMPORT_STATES: Record<string, string> = { idle: '从未导入', running: '导入中…', done: '已导入', failed: '导入失败' };

/** 导入企业微信客户: WeCom's external contacts become customers, with their corp tags (docs/marketing.md). */
export function ContactImport() {
  const run = useWecomContactImport();
  const start = useAudienceChange(() => answerOf(api.POST('/api/tag-sync/wecom-contacts')), '已开始导入企业微信客户');
  return (
    <Space>
      <Button icon={<TeamOutlined />} loading={run.data?.state === 'running'} onClick={() => start.mutate(undefined)}>
        导入企业微信客户
      </Button>
      {run.data && (
        <Typography.Text type={run.data.state === 'failed' ? 'danger' : 'secondary'} data-contact-import={run.data.state}>
          {IMPORT_STATES[run.data.state]}
          {run.data.state === 'done' && `：读取 ${run.data.imported} 条`}
          {run.data.lastError && `（${run.data.lastError}）`}
        </Typography.Text>
      )}
    </Space>
  );
}

import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { openConversation } from '../app/route';
import { DocumentsTab } from './DocumentsTab';
import { FaqTab } from './FaqTab';
import { useKnowledgeBases } from './knowledge-queries';
import { TryTab } from './TryTab';

/**
 * The bot's knowledge, for admins (docs/admin.md, "知识库"): the documents of a knowledge base,
 * its FAQ entries edited in place, and 「试一试」. A new knowledge base is made by naming it and
 * uploading its first document.
 */
export function KnowledgePage() {
  const bases = useKnowledgeBases();
  const [kb, setKb] = useState('default');
  const names = new Set(['default', ...(bases.data?.knowledgeBases.map((b) => b.name) ?? []), kb]);
  return (
    <div className="settings-page knowledge-page">
      <Space className="settings-header" wrap>
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回工作台" onClick={() => openConversation(null)} />
        <Typography.Title level={4}>知识库</Typography.Title>
        <Select
          aria-label="选择知识库"
          value={kb}
          onChange={setKb}
          options={[...names].map((name) => ({ value: name, label: name }))}
          popupMatchSelectWidth={false}
        />
        <Input.Search
          aria-label="新建知识库"
          placeholder="新知识库名称"
          enterButton="新建"
          onSearch={(value) => value.trim() && setKb(value.trim())}
        />
      </Space>
      <Tabs
        items={[
          { key: 'documents', label: '文档', children: <DocumentsTab kb={kb} upload={bases.data?.upload} /> },
          { key: 'faq', label: 'FAQ', children: <FaqTab kb={kb} /> },
          { key: 'try', label: '试一试', children: <TryTab kb={kb} /> },
        ]}
      />
    </div>
  );
}

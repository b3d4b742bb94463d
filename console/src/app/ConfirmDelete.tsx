import { Button, type ButtonProps, Popconfirm } from 'antd';

/**
 * A small red delete button that asks first: the console has no undo, so every delete of a row
 * (a quick reply, a document, a rule, a segment, a tag group) goes through the same question.
 */
export function ConfirmDelete({
  title,
  onConfirm,
  label = '删除',
  type,
}: {
  title: string;
  onConfirm: () => void;
  label?: string;
  type?: ButtonProps['type'];
}) {
  return (
    <Popconfirm title={title} okText="删除" cancelText="取消" onConfirm={onConfirm}>
      <Button size="small" type={type} danger>
        {label}
      </Button>
    </Popconfirm>
  );
}

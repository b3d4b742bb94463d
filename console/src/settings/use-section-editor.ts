import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError } from '../api/client';
import type { SettingsPreview } from './settings-queries';

/**
 * Saving and previewing one settings section from its form: a save says which version it made (or
 * that another admin saved first, 409) and reloads the settings; a preview shows what the form's
 * document would change, and is forgotten when the form changes again.
 */
export function useSectionEditor<D>(actions: {
  save: (document: D) => Promise<{ version: number }>;
  preview: (document: D) => Promise<SettingsPreview>;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: actions.save,
    onSuccess: (saved) => void message.success(`已保存为第 ${saved.version} 版，正在运行的服务已生效`),
    onError: (error) =>
      void message.error(
        error instanceof ApiError && error.status === 409 ? '其他管理员刚保存过，已载入最新版本，请重新修改' : (error as Error).message,
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
  const preview = useMutation({ mutationFn: actions.preview });
  return { save, preview };
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError } from '../api/client';

/**
 * Saving a settings section from its form: the saved version is announced, a save over someone
 * else's newer version (409) says so, and the settings are read again either way.
 */
export function useSaveSettings<V, S extends { version: number }>(save: (values: V) => Promise<S>) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: save,
    onSuccess: (saved) => void message.success(`已保存为第 ${saved.version} 版，正在运行的服务已生效`),
    onError: (error) =>
      void message.error(
        error instanceof ApiError && error.status === 409 ? '其他管理员刚保存过，已载入最新版本，请重新修改' : (error as Error).message,
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
}

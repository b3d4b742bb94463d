import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryKeys } from './api/query-keys';
import { App } from './app/App';
import { isSignedOut } from './auth/session';
import { cspNonce } from './app/csp-nonce';
import './app/console.css';

dayjs.extend(relativeTime);
dayjs.locale('zh-cn');

const queryClient: QueryClient = new QueryClient({
  // A session that ended (expired, logged out elsewhere, account disabled) shows the login page.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (isSignedOut(error) && query.queryKey[0] !== queryKeys.me[0]) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  }),
  defaultOptions: {
    // Live events (src/live/) say when to refetch; focus changes need not.
    queries: { refetchOnWindowFocus: false, staleTime: 30_000 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} csp={{ nonce: cspNonce() }} theme={{ token: { colorPrimary: '#1677ff' } }}>
      <AntApp className="console-root">
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);

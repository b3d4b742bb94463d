import { useEffect, useState } from 'react';

/** The time, moving every `intervalMs`, so "已等待 5 分钟" keeps counting without a refetch. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

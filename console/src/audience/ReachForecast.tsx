import { Alert, Flex, Tag, Typography } from 'antd';
import type { BroadcastForecast } from './audience-queries';
import { MASS_SEND, SKIP_REASONS } from './broadcast-labels';

/**
 * 预计送达: what sending to the chosen audience would do now (docs/marketing.md, "Forecast"), with
 * the reasons the report will give for those skipped, so a marketer sees the reach before sending.
 */
export function ReachForecast({ forecast, loading }: { forecast: BroadcastForecast | undefined; loading: boolean }) {
  if (!forecast) return null;
  return (
    <Alert
      className="broadcast-forecast"
      style={{ marginBottom: 16, opacity: loading ? 0.6 : 1 }}
      type={forecast.send === 0 ? 'warning' : 'info'}
      title={`预计送达 ${forecast.send} 人 · 跳过 ${forecast.skipped} 人`}
      description={
        (forecast.reasons.length > 0 || forecast.massSends.length > 0) && (
          <Flex vertical gap="small">
            {forecast.reasons.length > 0 && (
              <Flex wrap gap="small">
                {forecast.reasons.map((r) => (
                  <Tag key={r.reason}>
                    {SKIP_REASONS[r.reason] ?? r.reason} {r.count}
                  </Tag>
                ))}
              </Flex>
            )}
            {forecast.massSends.map((m) => (
              <Typography.Text key={m.accountName} type="secondary">
                公众号群发（{m.accountName}）：
                {m.state === 'sending'
                  ? `按标签群发 ${m.recipients} 人`
                  : `${MASS_SEND[m.state]}：${MASS_SEND[m.errcode ?? ''] ?? m.errcode}`}
              </Typography.Text>
            ))}
          </Flex>
        )
      }
    />
  );
}

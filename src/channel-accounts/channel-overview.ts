import type { Database } from '../db/connect.ts';
import { type ChannelKey, channelConfigOf, channelKeys } from './channel-keys.ts';
import { type AccountHealth, healthKey, readDeliveryHealth } from './delivery-health.ts';
import { maskSecret } from './generate-credentials.ts';

export interface AccountOverview {
  channel: ChannelKey;
  kind: string;
  name: string;
  /** `config`: the environment or CONFIG_FILE (changed there); `console`: added in the console. */
  source: 'config' | 'console';
  /** The URL to paste into the platform's callback page; none for the web widget. */
  callbackUrl: string | null;
  /** Fields the operator may generate anew (console accounts only). */
  generatedFields: string[];
  settings: Record<string, unknown>;
  /** Each secret field, masked. */
  secrets: Record<string, string>;
  lastInboundAt: Date | null;
  sent24h: number;
  failed24h: number;
  failures24h: Array<{ code: string; count: number; meaning: string | null; fix: string | null }>;
}

/** What the platform's code means and how to fix it, from the channel whose kind prefixes it. */
function explain(code: string) {
  const [prefix, rest] = [code.slice(0, code.indexOf(':')), code.slice(code.indexOf(':') + 1)];
  const key = channelKeys.find((k) => channelConfigOf(k).admin.kind === prefix);
  if (key) {
    const { meaning, fix } = channelConfigOf(key).admin.explainError(rest);
    return { meaning: meaning ?? null, fix: fix ?? null };
  }
  if (prefix === 'http')
    return {
      meaning: `the platform could not be reached (HTTP ${rest})`,
      fix: '网络或平台故障，会自动重试；持续出现请检查服务器出口网络。',
    };
  return { meaning: null, fix: null };
}

function describe(
  channel: ChannelKey,
  account: Record<string, unknown> & { name: string },
  source: AccountOverview['source'],
  publicBase: string,
  health: AccountHealth | undefined,
): AccountOverview {
  const { admin } = channelConfigOf(channel);
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [field, value] of Object.entries(account)) {
    if (field === 'name' || value === undefined) continue;
    if (admin.secretFields.includes(field)) secrets[field] = maskSecret(String(value));
    else settings[field] = value;
  }
  return {
    channel,
    kind: admin.kind,
    name: account.name,
    source,
    callbackUrl: admin.callbackPath ? `${publicBase}${admin.callbackPath(account.name)}` : null,
    generatedFields: source === 'console' ? [...admin.generatedFields] : [],
    settings,
    secrets,
    lastInboundAt: health?.lastInboundAt ?? null,
    sent24h: health?.sent ?? 0,
    failed24h: health?.failed ?? 0,
    failures24h: (health?.failures ?? []).map((f) => ({ ...f, ...explain(f.code) })),
  };
}

/**
 * Every account of every channel, as the 渠道 page shows it: where the platform calls back, the
 * secrets masked, the last inbound message, and the last 24 hours' sends and failures by code,
 * each code with its meaning and fix from its channel.
 */
export async function readChannelOverview(
  db: Database,
  input: {
    configured: Record<ChannelKey, ReadonlyArray<{ name: string }>>;
    stored: ReadonlyArray<{ channel: ChannelKey; name: string; account: Record<string, unknown> }>;
    publicBase: string;
    now?: Date;
  },
): Promise<AccountOverview[]> {
  const since = new Date((input.now ?? new Date()).getTime() - 24 * 3600_000);
  const health = await readDeliveryHealth(db, since);
  const healthOf = (channel: ChannelKey, name: string) => health.get(healthKey(channelConfigOf(channel).admin.kind, name));
  return channelKeys.flatMap((channel) => [
    ...input.configured[channel].map((a) =>
      describe(channel, a as Record<string, unknown> & { name: string }, 'config', input.publicBase, healthOf(channel, a.name)),
    ),
    ...input.stored
      .filter((s) => s.channel === channel)
      .map((s) => describe(channel, { ...s.account, name: s.name }, 'console', input.publicBase, healthOf(channel, s.name))),
  ]);
}

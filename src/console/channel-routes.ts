import { z } from 'zod';
import { readChannelOverview } from '../channel-accounts/channel-overview.ts';
import { type ChannelKey, channelConfigOf, channelKeys } from '../channel-accounts/channel-keys.ts';
import { generateCredential } from '../channel-accounts/generate-credentials.ts';
import { addChannelAccount, generateAccountKeys, readStoredAccounts } from '../channel-accounts/stored-accounts.ts';
import { accountName } from '../channels/channel-config.ts';
import type { Database } from '../db/connect.ts';
import type { SecretsKeyring } from '../secrets/secrets-keyring.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

export interface ChannelRoutesDeps {
  db: Database;
  /** SECRETS_KEY (and SECRETS_KEY_PREVIOUS); unset = accounts cannot be added in the console. */
  keyring: SecretsKeyring | undefined;
  /** The accounts of the environment and CONFIG_FILE, by channel key. */
  configured: Record<ChannelKey, ReadonlyArray<{ name: string }>>;
  /** CONSOLE_PUBLIC_URL: the service's address as the platforms reach it; unset = the request's origin. */
  publicUrl: string | undefined;
  /** Tells every process to read the stored accounts again (src/channel-accounts/account-change-feed.ts). */
  announceChange(): Promise<void>;
}

const channel = z.enum(channelKeys);
const accountOverview = z
  .object({
    channel,
    kind: z.string(),
    name: z.string(),
    source: z.enum(['config', 'console']),
    callbackUrl: z.string().nullable(),
    generatedFields: z.array(z.string()),
    settings: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), z.string()).describe('Each secret field, masked (•••• and its last 4 characters)'),
    lastInboundAt: timestamp.nullable(),
    sent24h: z.number().int(),
    failed24h: z.number().int(),
    failures24h: z.array(
      z.object({ code: z.string(), count: z.number().int(), meaning: z.string().nullable(), fix: z.string().nullable() }),
    ),
  })
  .meta({ id: 'ChannelAccountOverview' });
const generated = z.record(z.string(), z.string()).describe('The values generated now: shown this once, masked afterwards');

/** The 渠道 page (issue 15): channel accounts, their callback settings and health. Admins only: these are credentials. */
export function registerChannelRoutes(api: ApiRegistry, deps: ChannelRoutesDeps): void {
  const { db, keyring } = deps;
  const base = { tag: 'channels', access: ADMIN_ONLY };
  const publicBase = (origin: string) => (deps.publicUrl ?? origin).replace(/\/+$/, '');

  api.operation({
    ...base,
    method: 'get',
    path: '/api/channels',
    summary:
      'Every channel account with its callback URL, masked secrets, last inbound message and the last 24 hours of sends and failures by code (with each code’s fix)',
    success: { status: 200, description: 'The accounts', schema: z.object({ accounts: z.array(accountOverview) }) },
    handle: async ({ ctx }) => ({
      accounts: await readChannelOverview(db, {
        configured: deps.configured,
        stored: await readStoredAccounts(db, keyring),
        publicBase: publicBase(`${ctx.protocol}://${ctx.host}`),
      }),
    }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/channels/{channel}/accounts',
    summary:
      'Add an account, as its channel’s CONFIG_FILE entry would be written; Token and EncodingAESKey (the widget’s secret) are generated when left out. Its secrets are encrypted with SECRETS_KEY (409 without it)',
    params: z.object({ channel }),
    body: z.record(z.string(), z.unknown()),
    success: {
      status: 201,
      description: 'The account added, and the values generated for it',
      schema: z.object({ channel, name: z.string(), generated }),
    },
    handle: async ({ params, body, audit }) => {
      const missing = channelConfigOf(params.channel).admin.generatedFields.filter((f) => body[f] === undefined || body[f] === '');
      const made = Object.fromEntries(missing.map((f) => [f, generateCredential(f)]));
      const added = await addChannelAccount(
        db,
        keyring,
        { channel: params.channel, account: { ...body, ...made }, takenNames: deps.configured[params.channel].map((a) => a.name) },
        audit,
      );
      await deps.announceChange();
      return { channel: added.channel, name: added.name, generated: made };
    },
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/channels/{channel}/accounts/{name}/keys',
    summary:
      'Generate a new Token and EncodingAESKey (the widget: a new secret) for an account added in the console; paste them into the platform at once',
    params: z.object({ channel, name: accountName }),
    success: { status: 200, description: 'The new values', schema: z.object({ generated }) },
    handle: async ({ params, audit }) => {
      const generated = await generateAccountKeys(db, keyring, params, audit);
      await deps.announceChange();
      return { generated };
    },
  });
}

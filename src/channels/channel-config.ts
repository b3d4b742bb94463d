import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { ChannelKind } from './types.ts';

/**
 * What the console shows and stores of a channel's accounts (the 渠道 page): which fields are
 * secrets, which the operator generates for the platform's admin page, where the platform calls
 * back, and what this channel's delivery error codes mean and how to fix them. The console knows
 * no platform: it reads these.
 */
export interface ChannelAdminFacts {
  kind: ChannelKind;
  /** Account fields that are secrets: sealed at rest, masked in every answer. */
  secretFields: readonly string[];
  /** Secret fields kefu-hub makes up and the operator pastes into the platform (Token, EncodingAESKey). */
  generatedFields: readonly ('token' | 'encodingAesKey' | 'secret')[];
  /** The path the platform calls for an account; none for channels the platform does not call. */
  callbackPath?(accountName: string): string;
  /** A delivery error code of this channel (the part after `<kind>:`): what it means and the fix, if known. */
  explainError(code: string): { meaning?: string; fix?: string };
}

/**
 * What each channel owns of the configuration: its environment variables (the `default` account),
 * the schema of its accounts in CONFIG_FILE (under `key`), and how the two become its account list.
 * src/channels/registry.ts lists them; src/config/env.ts composes them with the service's settings.
 */
export interface ChannelConfig<Key extends string = string, Shape extends z.ZodRawShape = z.ZodRawShape, Account = unknown> {
  /** The CONFIG_FILE key of this channel's accounts, and their key in Config.accounts. */
  key: Key;
  /** This channel's environment variables. */
  env: Shape;
  /** One account in CONFIG_FILE. */
  account: z.ZodType;
  /** The env-configured account (when set) and the file's, checked. */
  accounts(env: z.infer<z.ZodObject<Shape>>, fromFile: unknown[], context: { production: boolean }): Account[];
  admin: ChannelAdminFacts;
}

export const accountName = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'account names are lowercase letters, digits, - and _');
export const aesKey = z.string().length(43, 'EncodingAESKey is 43 characters');

type EnvLike = Record<string, unknown>;

/** Builds the `default` account from env vars: all required ones or none (channel off). */
export function accountFromEnv<T>(
  label: string,
  schema: z.ZodType<T>,
  env: EnvLike,
  required: Record<string, string>,
  optional: Record<string, string>,
): T | undefined {
  const set = Object.keys(required).filter((v) => env[v] !== undefined);
  if (set.length === 0) return undefined;
  const missing = Object.keys(required).filter((v) => env[v] === undefined);
  if (missing.length > 0)
    throw new ConfigError(`${label} is half configured: set ${missing.join(', ')} (or unset them all to turn it off)`);
  const raw: Record<string, unknown> = { name: 'default' };
  for (const [v, key] of Object.entries({ ...required, ...optional })) if (env[v] !== undefined) raw[key] = env[v];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const variable = Object.entries({ ...required, ...optional }).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(`${variable}: ${issue.message}`);
  }
  return parsed.data;
}

/** The env account first, then the file's; names must be unique per channel. */
export function mergeAccounts<T extends { name: string }>(label: string, fromEnv: T | undefined, fromFile: T[]): T[] {
  const all = [...(fromEnv ? [fromEnv] : []), ...fromFile];
  const duplicate = all.find((a, i) => all.findIndex((b) => b.name === a.name) !== i);
  if (duplicate) throw new ConfigError(`${label} account "${duplicate.name}" is defined twice (the env-configured one is "default")`);
  return all;
}

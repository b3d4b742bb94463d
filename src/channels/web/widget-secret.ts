import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';

/**
 * The secret of widget accounts configured without one (WEB_CHAT_SECRET unset): generated once and
 * kept under DATA_DIR so sessions survive restarts. Several API processes must share it: set
 * WEB_CHAT_SECRET there (docs/channels.md).
 */
export function loadOrCreateWidgetSecret(dataDir: string): string {
  const path = join(dataDir, 'web-chat-secret');
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails when a concurrent start wrote it first; that one wins.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw err;
  }
}

/**
 * Each process generating its own secret is fine for `npm start` (one process, one DATA_DIR) and
 * breaks everything else: behind a load balancer a visitor's token fails whenever another process
 * answers. So in production, or when roles run apart, a missing secret stops the start.
 */
export function requireSharedWidgetSecret(accounts: Array<{ secret?: string }>, where: { role: string; production: boolean }): void {
  if (!where.production && where.role === 'all') return;
  if (accounts.every((a) => a.secret !== undefined)) return;
  const why = where.production ? 'NODE_ENV=production' : `the ${where.role} role runs apart from the others`;
  throw new ConfigError(
    `WEB_CHAT_SECRET: required when ${why}, so every process signs with the same key; make one with \`openssl rand -base64 32\``,
  );
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes (256 bits) as base64url: session ids, CSRF tokens and API tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How session ids and API tokens are stored: SHA-256, hex. A fast hash is right for them (not for
 * passwords): they are 256 random bits, so there is nothing to guess and no dictionary to try, and a
 * slow hash would only cost CPU on every request. A leaked table cannot be replayed as credentials.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Password hashes: @node-rs/argon2 with its defaults, which are argon2id, m = 19 MiB, t = 2, p = 1
 * — the first argon2id configuration of the OWASP Password Storage Cheat Sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
 * The PHC string keeps the parameters and salt, so raising them later leaves old hashes valid.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False for a wrong password and for a malformed stored hash alike: both are a failed login. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Checks a login's password against the account's hash, or, for an email nobody has, against a
 * dummy hash of the same cost: the answer takes as long either way, so response times cannot tell
 * which emails exist. The dummy is made on first use (a random password: it can never match).
 * `verify` is replaceable so a test can see the dummy verification happen.
 */
export function createPasswordCheck(verify = verifyPassword): (passwordHash: string | undefined, password: string) => Promise<boolean> {
  let dummy: Promise<string> | undefined;
  return async (passwordHash, password) => {
    if (passwordHash !== undefined) return verify(passwordHash, password);
    dummy ??= hashPassword(randomBytes(32).toString('base64url'));
    await verify(await dummy, password);
    return false;
  };
}

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;

/**
 * Why a password is refused, or undefined when it is acceptable. Length is what makes a password
 * strong (NIST SP 800-63B §3.1.1.2): at least 12 characters; no composition rules, but not a
 * repeated pattern of a few characters nor the account's own email.
 */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (new Set(password).size < 5) return 'the password repeats too few different characters';
  const lower = password.toLowerCase();
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) return 'the password must not contain the email';
  return undefined;
}

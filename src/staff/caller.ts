import type { StaffRole } from './roles.ts';

/** Who is calling, as resolved from a session cookie or an API token, read fresh on every request. */
export interface Caller {
  userId: number;
  email: string;
  displayName: string;
  role: StaffRole;
  via: 'session' | 'token';
  /** The session's stored id hash and CSRF token (via session). */
  session?: { idHash: string; csrfToken: string };
  /** The API token's id (via token). */
  tokenId?: number;
}

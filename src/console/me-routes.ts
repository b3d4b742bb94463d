import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { RejectedRequestError } from '../errors.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../staff/api-tokens.ts';
import { EVERY_ROLE } from '../staff/roles.ts';
import { NOTIFIED_ROLES, readDuty, setOnDuty } from '../staff/wecom-duty.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, role, timestamp } from './api-schemas.ts';

const me = z
  .object({
    user: z.object({ id: z.number().int(), email: z.string(), displayName: z.string(), role }),
    via: z.enum(['session', 'token']),
    /** For the console after a reload: the session's CSRF token (absent for API tokens). */
    csrfToken: z.string().optional(),
  })
  .meta({ id: 'Me' });

const tokenInfo = z
  .object({
    id: z.number().int(),
    name: z.string(),
    displayPrefix: z.string(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });

const duty = z.object({ onDuty: z.boolean() }).meta({ id: 'Duty' });
const dutyState = duty.extend({ wecomUserId: z.string().nullable() }).meta({ id: 'DutyState' });

const newTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** The caller's own account and personal API tokens: every role. */
export function registerMeRoutes(api: ApiRegistry, deps: { db: Database }): void {
  api.operation({
    method: 'get',
    path: '/api/me',
    summary: 'Who is calling: the account, and the CSRF token of a cookie session',
    tag: 'me',
    access: EVERY_ROLE,
    success: { status: 200, description: 'The caller', schema: me },
    handle: ({ caller }) => ({
      user: { id: caller.userId, email: caller.email, displayName: caller.displayName, role: caller.role },
      via: caller.via,
      ...(caller.session && { csrfToken: caller.session.csrfToken }),
    }),
  });

  api.operation({
    method: 'get',
    path: '/api/me/duty',
    summary: 'Whether the caller is on duty, and the WeCom member their notices go to (null: none are sent)',
    tag: 'me',
    access: NOTIFIED_ROLES,
    success: { status: 200, description: 'The duty', schema: dutyState },
    handle: ({ caller }) => readDuty(deps.db, caller.userId),
  });

  api.operation({
    method: 'put',
    path: '/api/me/duty',
    summary: 'Go on or off duty: on-duty staff linked to a WeCom member are told of waiting conversations in WeCom',
    tag: 'me',
    access: NOTIFIED_ROLES,
    body: duty,
    success: { status: 200, description: 'The duty as set', schema: duty },
    async handle({ body, caller, audit }) {
      await setOnDuty(deps.db, caller.userId, body.onDuty, audit);
      return body;
    },
  });

  api.operation({
    method: 'get',
    path: '/api/me/tokens',
    summary: "The caller's personal API tokens (never the tokens themselves)",
    tag: 'me',
    access: EVERY_ROLE,
    success: { status: 200, description: 'Tokens, newest first', schema: z.object({ tokens: z.array(tokenInfo) }) },
    handle: async ({ caller }) => ({ tokens: await listApiTokens(deps.db, caller.userId) }),
  });

  api.operation({
    method: 'post',
    path: '/api/me/tokens',
    summary: 'Create a personal API token: the answer is the only time it is shown',
    tag: 'me',
    access: EVERY_ROLE,
    body: newTokenBody,
    success: { status: 201, description: 'The new token', schema: tokenInfo.extend({ token: z.string() }) },
    async handle({ body, caller, audit }) {
      const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
      const { token, info } = await createApiToken(
        deps.db,
        { userId: caller.userId, name: body.name, ...(expiresAt && { expiresAt }) },
        audit,
      );
      return { ...info, token };
    },
  });

  api.operation({
    method: 'delete',
    path: '/api/me/tokens/{id}',
    summary: 'Revoke one of the caller’s API tokens',
    tag: 'me',
    access: EVERY_ROLE,
    params: idParam,
    success: { status: 204, description: 'Revoked' },
    async handle({ params, caller, audit }) {
      if (!(await revokeApiToken(deps.db, caller.userId, params.id, audit))) {
        throw new RejectedRequestError('not_found', `you have no live API token ${params.id}`, 404);
      }
    },
  });
}

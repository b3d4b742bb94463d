import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import { changeStaffUser, createStaffUser, listStaffUsers } from '../staff/staff-users.ts';
import { linkWecomUser } from '../staff/wecom-duty.ts';
import type { ApiRegistry } from './api-registry.ts';
import { email, idParam, role, staffUser } from './api-schemas.ts';

const newUserBody = z.object({
  email,
  displayName: z.string().trim().min(1).max(100).optional(),
  role,
  /** The first password, chosen by the admin and given to the person; checked like any (src/staff/passwords.ts). */
  password: z.string().max(1024),
});

const changeBody = z
  .object({ role: role.optional(), disabled: z.boolean().optional() })
  .refine((c) => c.role !== undefined || c.disabled !== undefined, 'change role, disabled, or both');

/** null unlinks. The format is checked by linkWecomUser, which the command line shares. */
const wecomBody = z.object({ wecomUserId: z.string().trim().max(64).nullable() });

/** Staff accounts, managed by admins; every change audited. */
export function registerUserRoutes(api: ApiRegistry, deps: { db: Database }): void {
  api.operation({
    method: 'get',
    path: '/api/users',
    summary: 'Every staff account',
    tag: 'users',
    access: ADMIN_ONLY,
    success: { status: 200, description: 'Accounts by id', schema: z.object({ users: z.array(staffUser) }) },
    handle: async () => ({ users: await listStaffUsers(deps.db) }),
  });

  api.operation({
    method: 'post',
    path: '/api/users',
    summary: 'Create a staff account',
    tag: 'users',
    access: ADMIN_ONLY,
    body: newUserBody,
    success: { status: 201, description: 'The new account', schema: staffUser },
    handle: ({ body, audit }) => createStaffUser(deps.db, body, audit),
  });

  api.operation({
    method: 'patch',
    path: '/api/users/{id}',
    summary: 'Change an account’s role or disable it (ends its sessions); the last enabled admin stays',
    tag: 'users',
    access: ADMIN_ONLY,
    params: idParam,
    body: changeBody,
    success: { status: 200, description: 'The account as changed', schema: staffUser },
    handle: ({ params, body, audit }) => changeStaffUser(deps.db, params.id, body, audit),
  });

  api.operation({
    method: 'put',
    path: '/api/users/{id}/wecom',
    summary: 'Link the account to a WeCom member (UserID) of the notifying app, or unlink it (null)',
    tag: 'users',
    access: ADMIN_ONLY,
    params: idParam,
    body: wecomBody,
    success: { status: 200, description: 'The link as set', schema: wecomBody },
    async handle({ params, body, audit }) {
      await linkWecomUser(deps.db, params.id, body.wecomUserId, audit);
      return body;
    },
  });
}

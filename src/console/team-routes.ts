import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import type { StaffRole } from '../staff/roles.ts';
import { createTeam, listTeams, setTeamAccounts, setTeamMembers, updateTeam } from '../staff/teams.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam } from './api-schemas.ts';

/** Supervisors and admins manage teams; agents read them (to transfer). */
const MANAGERS: readonly StaffRole[] = ['admin', 'supervisor'];
const READERS: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

const account = z.object({ channel: z.string().min(1).max(40), account: z.string().min(1).max(100) });
const team = z
  .object({
    id: z.number().int(),
    name: z.string(),
    autoAssign: z.boolean(),
    maxOpenPerAgent: z.number().int().nullable(),
    userIds: z.array(z.number().int()),
    accounts: z.array(account),
  })
  .meta({ id: 'Team' });
const fields = {
  name: z.string().trim().min(1).max(100),
  autoAssign: z.boolean(),
  maxOpenPerAgent: z.number().int().min(1).max(1000).nullable(),
};
const newTeam = z.object({
  ...fields,
  autoAssign: fields.autoAssign.default(false),
  maxOpenPerAgent: fields.maxOpenPerAgent.default(null),
});
// No defaults here: a field left out stays as it is.
const teamChanges = z.object(fields).partial().strict();
const done = { status: 204, description: 'Done' } as const;

/** Teams: who works which channel accounts' conversations (docs/agents.md, teams). */
export function registerTeamRoutes(api: ApiRegistry, deps: { db: Database }): void {
  const { db } = deps;
  api.operation({
    method: 'get',
    path: '/api/teams',
    summary: 'Every team, with its members and channel accounts',
    tag: 'teams',
    access: READERS,
    success: { status: 200, description: 'By name', schema: z.object({ teams: z.array(team) }) },
    handle: async () => ({ teams: await listTeams(db) }),
  });

  api.operation({
    method: 'post',
    path: '/api/teams',
    summary: 'Create a team (409 when the name is taken)',
    tag: 'teams',
    access: MANAGERS,
    body: newTeam,
    success: { status: 201, description: 'Created', schema: z.object({ id: z.number().int() }) },
    handle: ({ body, audit }) => createTeam(db, body, audit),
  });

  api.operation({
    method: 'patch',
    path: '/api/teams/{id}',
    summary: 'Rename it, or change its automatic assignment and per-agent cap',
    tag: 'teams',
    access: MANAGERS,
    params: idParam,
    body: teamChanges,
    success: done,
    handle: ({ params, body, audit }) => updateTeam(db, params.id, body, audit),
  });

  api.operation({
    method: 'put',
    path: '/api/teams/{id}/members',
    summary: 'Replace its members (staff who can hold conversations)',
    tag: 'teams',
    access: MANAGERS,
    params: idParam,
    body: z.object({ userIds: z.array(z.number().int().positive()).max(1000) }),
    success: done,
    handle: ({ params, body, audit }) => setTeamMembers(db, params.id, body.userIds, audit),
  });

  api.operation({
    method: 'put',
    path: '/api/teams/{id}/accounts',
    summary: 'Replace the channel accounts whose waiting conversations go to its queue (an account is in one team at most)',
    tag: 'teams',
    access: MANAGERS,
    params: idParam,
    body: z.object({ accounts: z.array(account).max(1000) }),
    success: done,
    handle: ({ params, body, audit }) => setTeamAccounts(db, params.id, body.accounts, audit),
  });
}

import { z } from 'zod';
import { readCustomerPanel } from '../customers/read-customer-panel.ts';
import type { Database } from '../db/connect.ts';
import { conversationStatuses } from '../db/schema.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';

/** Who sees customers beside conversations; marketers will reach customers through segments (issue 16). */
const PANEL_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

const customerPanel = z
  .object({
    id: z.number().int(),
    channel: z.string(),
    account: z.string(),
    externalId: z.string(),
    displayName: z.string().nullable(),
    profile: z.record(z.string(), z.unknown()),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    tags: z.array(z.string()),
    conversations: z.array(
      z.object({
        id: z.number().int(),
        status: z.enum(conversationStatuses),
        createdAt: timestamp,
        lastMessageAt: timestamp,
        handoffReason: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'CustomerPanel' });

/** The customer panel beside a conversation. */
export function registerCustomerRoutes(api: ApiRegistry, deps: { db: Database }): void {
  api.operation({
    method: 'get',
    path: '/api/customers/{id}',
    summary:
      'A customer: channel, account, name, what the platform told about them, tags, and their last 20 conversations (newest first). Agents: customers of conversations they may see',
    tag: 'customers',
    access: PANEL_ROLES,
    params: idParam,
    success: { status: 200, description: 'The customer', schema: customerPanel },
    handle: ({ params, caller }) => readCustomerPanel(deps.db, caller, params.id),
  });
}

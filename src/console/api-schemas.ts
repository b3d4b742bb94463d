import { z } from 'zod';
import { staffRoles } from '../staff/roles.ts';

/** Schemas shared by several console routes; each route file keeps its own beside it. */
export const email = z.string().trim().max(254).pipe(z.email());
export const role = z.enum(staffRoles);
export const idParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
/** Dates travel as ISO 8601 strings (JSON has no date). */
export const timestamp = z.iso.datetime({ offset: true });

export const staffUser = z
  .object({ id: z.number().int(), email: z.string(), displayName: z.string(), role, disabled: z.boolean(), createdAt: timestamp })
  .meta({ id: 'StaffUser' });

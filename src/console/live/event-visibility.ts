import type { StaffRole } from '../../staff/roles.ts';
import type { ConsoleEvent } from './console-event-hub.ts';

/** Who holds an event stream, as far as filtering needs: refreshed at each session check. */
export interface StreamViewer {
  userId: number;
  role: StaffRole;
  teamIds: ReadonlySet<number>;
}

/**
 * What a stream may be told, by the rules of the inbox (src/conversations/staff-access.ts):
 * supervisors and admins every conversation; agents those waiting for a person, their own and
 * their team's, plus the moment one is assigned (it leaves the queue they were shown, so their
 * inbox must drop it); marketers no conversations at all. Presence goes to everyone.
 */
export function mayReceive(viewer: StreamViewer, event: ConsoleEvent): boolean {
  if (event.type === 'presence') return true;
  if (viewer.role === 'admin' || viewer.role === 'supervisor') return true;
  if (viewer.role !== 'agent') return false;
  const { status, assignee, teamId, change } = event.data;
  return status === 'needs_human' || change === 'assigned' || assignee === viewer.userId || (teamId !== null && viewer.teamIds.has(teamId));
}

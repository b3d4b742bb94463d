import type { BrainDecision } from '../../src/brain/types.ts';
import type { StaffRole } from '../../src/staff/roles.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { call, type Credentials, logIn, PASSWORD } from './console-api.ts';
import { ScriptedBrain } from './scripted-brain.ts';
import type { Harness } from './wecom-service.ts';

export const HANDOFF_TEXT = '正在为您转接人工客服';

/** The bot hands over when asked for 人工 and otherwise echoes, so each of its answers is recognisable. */
export const handoffBrain = () =>
  new ScriptedBrain({
    decide: (texts): BrainDecision =>
      texts.some((t) => t.includes('人工'))
        ? { kind: 'handoff', reason: 'customer_asked', text: HANDOFF_TEXT, meta: {} }
        : { kind: 'reply', text: `答：${texts.join(' / ')}`, meta: {} },
  });

export type StaffMember = Credentials & { id: number; email: string };

/** A staff account signed in to the console, optionally linked to a WeCom member (by an admin's call) and on duty (by its own). */
export async function staffMember(
  h: Harness,
  email: string,
  role: StaffRole,
  options: { wecomUserId?: string; onDuty?: boolean; admin?: StaffMember } = {},
): Promise<StaffMember> {
  const user = await createStaffUser(h.service.db, { email, role, password: PASSWORD }, { actorId: null, sourceIp: null, via: 'cli' });
  const session = await logIn(h.baseUrl, email);
  const member: StaffMember = { id: user.id, email, cookie: session.cookie, csrf: session.csrf };
  if (options.wecomUserId) {
    const admin = options.admin ?? member;
    const linked = await call(h.baseUrl, 'PUT', `/api/users/${user.id}/wecom`, { ...admin, body: { wecomUserId: options.wecomUserId } });
    if (linked.status !== 200) throw new Error(`link answered ${linked.status}: ${await linked.text()}`);
  }
  if (options.onDuty) {
    const duty = await call(h.baseUrl, 'PUT', '/api/me/duty', { ...member, body: { onDuty: true } });
    if (duty.status !== 200) throw new Error(`duty answered ${duty.status}: ${await duty.text()}`);
  }
  return member;
}

/** The value of one counter series on the service's /metrics, 0 when absent. */
export async function metricValue(h: Harness, series: string): Promise<number> {
  const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

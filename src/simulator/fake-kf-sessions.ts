/**
 * The session side of the fake 微信客服 API (src/simulator/fake-wecom-kf-api.ts): per
 * (open_kfid, external_userid) the service state of 分配客服会话
 * (https://developer.work.weixin.qq.com/document/path/94669) with its transition table, 95014 for
 * a servicer not on duty and 95016 for a move the table forbids; the kf account's servicers
 * (kf/servicer/list, https://developer.work.weixin.qq.com/document/path/94645); and send_msg's
 * quota of 5 messages per customer message (https://developer.work.weixin.qq.com/document/path/94677).
 */
export type KfWireAnswer = { errcode: number; errmsg: string; [key: string]: unknown };

/** 0/1 → 2, 3 or 4; 2 → 3; 3 → 3 (another servicer) or 4; 4 → nothing (the customer reopens it). */
const ALLOWED_MOVES: Record<number, number[]> = { 0: [2, 3, 4], 1: [2, 3, 4], 2: [3], 3: [3, 4], 4: [] };
const SEND_REFUSED = { errcode: 95018, errmsg: 'send msg session status invalid' };

export class FakeKfSessions {
  readonly transfers: Array<{ openKfId: string; externalUserId: string; state: number; servicerUserId?: string }> = [];
  private readonly states = new Map<string, { state: number; servicer?: string }>();
  private readonly quota = new Map<string, number>();
  private readonly servicers = new Map<string, Array<{ userid: string; status: number }>>();

  state(key: string): { state: number; servicer?: string } {
    return this.states.get(key) ?? { state: 0 };
  }

  /** The customer wrote: an ended session starts again (state 0), and 5 messages are allowed again. */
  customerWrote(key: string): void {
    if (this.state(key).state === 4) this.states.set(key, { state: 0 });
    this.quota.set(key, 5);
  }

  setServicers(openKfId: string, servicers: Array<{ userid: string; status: 0 | 1 }>): void {
    this.servicers.set(openKfId, servicers);
  }

  servicerList(openKfId: string): Array<{ userid: string; status: number; stop_type: number }> {
    return (this.servicers.get(openKfId) ?? []).map((s) => ({ ...s, stop_type: 0 }));
  }

  /** A servicer in the WeCom client ends the session (4) or holds it (3). */
  servicerSets(key: string, ended: boolean, servicer?: string): void {
    this.states.set(key, ended ? { state: 4 } : { state: 3, servicer });
  }

  /** send_msg's refusal for this session now, if any. */
  refuseSend(key: string): KfWireAnswer | undefined {
    const { state } = this.state(key);
    if (state !== 0 && state !== 1) return SEND_REFUSED;
    if ((this.quota.get(key) ?? 5) <= 0) return SEND_REFUSED;
    return undefined;
  }

  /** A message went out: one less in the quota; the bot answering an untreated session takes it (1). */
  sent(key: string): void {
    this.quota.set(key, (this.quota.get(key) ?? 5) - 1);
    if (this.state(key).state === 0) this.states.set(key, { state: 1 });
  }

  trans(body: Record<string, unknown>, msgCode: () => string): KfWireAnswer {
    const openKfId = String(body.open_kfid ?? '');
    const externalUserId = String(body.external_userid ?? '');
    const state = Number(body.service_state);
    const servicerUserId = typeof body.servicer_userid === 'string' ? body.servicer_userid : undefined;
    const key = `${openKfId}/${externalUserId}`;
    const from = this.state(key).state;
    if (!ALLOWED_MOVES[from]?.includes(state)) return { errcode: 95016, errmsg: 'service state transition not allowed' };
    if (state === 3) {
      const onDuty = (this.servicers.get(openKfId) ?? []).some((s) => s.userid === servicerUserId && s.status === 0);
      if (!servicerUserId || !onDuty) return { errcode: 95014, errmsg: 'servicer not on duty' };
    }
    this.states.set(key, { state, servicer: servicerUserId });
    this.transfers.push({ openKfId, externalUserId, state, servicerUserId });
    return { errcode: 0, errmsg: 'ok', msg_code: state >= 2 && from !== state ? msgCode() : undefined };
  }
}

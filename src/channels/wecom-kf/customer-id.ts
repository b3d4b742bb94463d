/**
 * A kf customer is an external_userid talking to one kf account (open_kfid); replies, session state
 * and limits are all per (open_kfid, external_userid). Both go into the customer's external id as
 * "<open_kfid>/<external_userid>" so that a reply needs nothing but the recipient to be addressed.
 * Neither id contains "/" (open_kfid wk…, external_userid wm…/wo…, [0-9a-zA-Z_-]).
 */
export interface KfCustomer {
  openKfId: string;
  externalUserId: string;
}

export function kfCustomerId(c: KfCustomer): string {
  return `${c.openKfId}/${c.externalUserId}`;
}

export function parseKfCustomerId(id: string): KfCustomer {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) throw new Error(`not a kf customer id: ${id}`);
  return { openKfId: id.slice(0, slash), externalUserId: id.slice(slash + 1) };
}

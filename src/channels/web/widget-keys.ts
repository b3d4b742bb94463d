import { hkdfSync } from 'node:crypto';
import type { WebAccount } from './config.ts';

/**
 * One key per purpose, each derived from the widget account's secret with HKDF-SHA256 (RFC 5869)
 * and its own label, so a MAC made for one purpose never verifies for another: a company's user
 * signature cannot pass as a session token, nor a session token as a user signature or a ticket.
 * The company's backend derives the user-signature key the same way (docs/channels.md): the salt,
 * labels and length below are a public contract.
 */
export interface WidgetKeys {
  session: Uint8Array;
  userSignature: Uint8Array;
  ticket: Uint8Array;
}

/** A widget account with its keys, derived once at start from its secret. */
export type ResolvedWebAccount = WebAccount & { keys: WidgetKeys };

export const WIDGET_KEY_SALT = 'kefu-hub web widget';
export const widgetKeyLabel = (purpose: 'session' | 'user-signature' | 'ticket') => `kefu-hub web ${purpose} v1`;

const derive = (secret: string, purpose: Parameters<typeof widgetKeyLabel>[0]) =>
  new Uint8Array(hkdfSync('sha256', secret, WIDGET_KEY_SALT, widgetKeyLabel(purpose), 32));

export function deriveWidgetKeys(secret: string): WidgetKeys {
  return { session: derive(secret, 'session'), userSignature: derive(secret, 'user-signature'), ticket: derive(secret, 'ticket') };
}

import { missingSegments } from '../audience/handoff-segments.ts';
import type { Database } from '../db/connect.ts';
import { RejectedRequestError } from '../errors.ts';
import type { SettingsDefaults } from './bot-settings.ts';
import type { HandoffSettings } from './handover-settings-schema.ts';

/**
 * What the schema alone cannot tell of handoff settings: that each intent is a rule handoff.json
 * has, and each segment exists. Refused as the schema refuses, a 400 naming the field.
 */
export async function checkHandoffSettings(db: Database, document: HandoffSettings, defaults: SettingsDefaults): Promise<void> {
  const known = Object.keys(defaults.handoff.intents);
  const unknown = Object.keys(document.intents).find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw new RejectedRequestError(
      'bad_request',
      `body.document.intents.${unknown}: handoff.json has no rule of that name (it has ${known.join(', ')})`,
      400,
    );
  const [missing] = await missingSegments(db, document.segments);
  if (missing !== undefined) {
    const index = document.segments.indexOf(missing);
    throw new RejectedRequestError('bad_request', `body.document.segments.${index}: there is no segment ${missing}`, 400);
  }
}

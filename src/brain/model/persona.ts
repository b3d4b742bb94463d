import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

/** config/brain/persona.json: who the bot is and how it talks. */
export const personaSchema = z.object({
  companyName: z.string().min(1),
  botName: z.string().min(1),
  /** How replies sound, in the company's words (e.g. 亲切、简洁、专业). */
  tone: z.string().min(1),
  /** Longest reply the model should write, in Chinese characters. */
  maxAnswerChars: z.number().int().positive().default(200),
  /** The reply to a message that is only a greeting; unset = smalltalk.json's (which names no company). */
  greeting: z.string().min(1).optional(),
});
export type Persona = z.infer<typeof personaSchema>;

export async function loadPersona(path: string): Promise<Persona> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  const parsed = personaSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

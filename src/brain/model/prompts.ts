import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import type { Persona } from './persona.ts';

/** The prompt files of config/prompts/, with the persona filled in. */
export interface Prompts {
  /** The system prompt: rules only; the knowledge and the summary go in the user's turn (fenced-data.ts). */
  answer: string;
  /** Instructions for folding older turns into the rolling summary. */
  summarize: string;
}

export async function loadPrompts(dir: string, persona: Persona): Promise<Prompts> {
  const read = async (file: string) => {
    try {
      return fillTemplate(await readFile(join(dir, file), 'utf8'), {
        companyName: persona.companyName,
        botName: persona.botName,
        tone: persona.tone,
        maxAnswerChars: String(persona.maxAnswerChars),
      });
    } catch (err) {
      throw new ConfigError(`${join(dir, file)}: ${(err as Error).message}`);
    }
  };
  const answer = await read('answer.md');
  // An answer.md written before the knowledge left the system prompt would put documents (and
  // whatever instructions they carry) back where the model obeys them.
  const placeholder = /\{\{(knowledge|summary)\}\}/.exec(answer);
  if (placeholder) throw new ConfigError(`${join(dir, 'answer.md')}: {{${placeholder[1]}}} is data and goes in the user's turn; remove it`);
  return { answer, summarize: await read('summarize.md') };
}

/** Replaces `{{name}}` placeholders that have a value; leaves the others for a later fill. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import type { Persona } from './persona.ts';

/** The prompt files of config/prompts/, with the persona filled in. */
export interface Prompts {
  /** The system prompt; `{{knowledge}}` and `{{summary}}` are filled per turn. */
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
  return { answer: await read('answer.md'), summarize: await read('summarize.md') };
}

/** Replaces `{{name}}` placeholders that have a value; leaves the others for a later fill. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

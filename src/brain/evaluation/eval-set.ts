import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

const evalItemSchema = z.object({
  question: z.string().min(1),
  /** The standard question of the FAQ entry that answers it; null = out of scope, must be declined. */
  expected: z.string().min(1).nullable(),
  /** Category for per-intent accuracy ('shipping', 'refund'…, 'out_of_scope'). */
  intent: z.string().min(1),
  /** How the question was written: paraphrase, colloquial, typo, pinyin, traditional, multi, greeting, oos. */
  variant: z.string().optional(),
});
export type EvalItem = z.infer<typeof evalItemSchema>;

/** Reads a JSONL eval set; a bad line fails loudly with its number. */
export async function loadEvalSet(path: string): Promise<EvalItem[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const items: EvalItem[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = evalItemSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new ConfigError(`${path} line ${i + 1}: ${parsed.error.issues[0]?.message}`);
    items.push(parsed.data);
  });
  return items;
}

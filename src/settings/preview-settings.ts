import { loadPreviewParts, type PreviewParts, previewSettings, type SettingsPreview } from '../brain/evaluation/settings-preview.ts';
import type { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import type { IndexedChunk } from '../brain/retrieval/types.ts';
import type { CompanyVocabulary } from '../brain/retrieval/company-vocabulary.ts';
import { type CompanySmallTalk, smallTalkProblem } from '../brain/smalltalk/company-small-talk.ts';
import type { SmallTalkConfig } from '../brain/smalltalk/small-talk.ts';
import type { Database } from '../db/connect.ts';
import { RejectedRequestError } from '../errors.ts';
import { listRecentCustomerQuestions } from '../insights/recent-customer-questions.ts';
import { readSettingsSection, type SettingsDefaults } from './bot-settings.ts';

/**
 * At most this many of each kind of question per preview, so one takes seconds, not minutes: the
 * trial indexes cost ~0.3 s each for the demo knowledge base and ~3 s per 5,000 chunks, and the
 * questions ~1 ms each.
 */
export const PREVIEW_LIMITS = { similar: 300, recent: 300 } as const;

/** The preview of a vocabulary or small-talk change (POST /api/settings/…/preview). */
export interface SettingsPreviewLab {
  /** config/brain/smalltalk.json: the kinds a company's small talk is laid over. */
  smallTalkDefaults(): Promise<SmallTalkConfig>;
  /** 400 when the company's small talk cannot be laid over smalltalk.json (a new kind without a reply). */
  checkSmallTalk(smallTalk: CompanySmallTalk): Promise<void>;
  /** The proposed section against the one in force, the other section as in force. */
  preview(change: { vocabulary: CompanyVocabulary } | { smalltalk: CompanySmallTalk }): Promise<SettingsPreview>;
}

/**
 * Previews run in the API process that is asked, one at a time (each is CPU work of seconds; a
 * second waits for the first), over the knowledge bases as stored now. The retrieval context and
 * config are loaded on the first preview and kept, like 未知问题's question lab.
 */
export function createSettingsPreviewLab(deps: {
  db: Database;
  store: KnowledgeStore;
  configDir: string;
  vocabularyDir?: string;
  defaults: SettingsDefaults;
}): SettingsPreviewLab {
  let loading: Promise<PreviewParts> | undefined;
  const parts = () =>
    (loading ??= loadPreviewParts(deps.configDir, deps.vocabularyDir).catch((err) => {
      loading = undefined;
      throw err;
    }));
  let running: Promise<unknown> = Promise.resolve();
  const checkSmallTalk = async (smallTalk: CompanySmallTalk) => {
    const problem = smallTalkProblem((await parts()).smallTalk, smallTalk);
    if (problem) throw new RejectedRequestError('bad_request', problem, 400);
  };

  async function run(change: { vocabulary: CompanyVocabulary } | { smalltalk: CompanySmallTalk }): Promise<SettingsPreview> {
    const [vocabulary, smalltalk] = await Promise.all([
      readSettingsSection(deps.db, 'vocabulary', { defaults: deps.defaults }),
      readSettingsSection(deps.db, 'smalltalk', { defaults: deps.defaults }),
    ]);
    const before = { vocabulary: vocabulary.document, smallTalk: smalltalk.document };
    const after = {
      vocabulary: 'vocabulary' in change ? change.vocabulary : before.vocabulary,
      smallTalk: 'smalltalk' in change ? change.smalltalk : before.smallTalk,
    };
    const knowledge = new Map<string, IndexedChunk[]>();
    for (const { name } of await deps.store.listKnowledgeBases()) knowledge.set(name, await deps.store.loadActiveChunks(name));
    const recent = await listRecentCustomerQuestions(deps.db, PREVIEW_LIMITS.recent);
    return previewSettings(await parts(), { before, after, knowledge, similar: similarQuestions(knowledge), recent });
  }

  return {
    smallTalkDefaults: async () => (await parts()).smallTalk,
    checkSmallTalk,
    async preview(change) {
      if ('smalltalk' in change) await checkSmallTalk(change.smalltalk);
      const result = running.then(() => run(change));
      running = result.catch(() => undefined);
      return result;
    },
  };
}

/**
 * The FAQ entries' similar questions (every question but the first), taken round by round (each
 * entry's first similar question, then each one's second…) so a cap leaves every entry some.
 */
function similarQuestions(knowledge: ReadonlyMap<string, readonly IndexedChunk[]>) {
  const entries = [...knowledge].flatMap(([knowledgeBase, chunks]) =>
    chunks.filter((c) => (c.questions?.length ?? 0) > 1).map((c) => ({ knowledgeBase, entryId: c.id, questions: c.questions! })),
  );
  const taken: Array<{ knowledgeBase: string; entryId: string; text: string }> = [];
  for (let round = 1; taken.length < PREVIEW_LIMITS.similar; round++) {
    const next = entries.filter((e) => e.questions.length > round);
    if (next.length === 0) break;
    for (const e of next.slice(0, PREVIEW_LIMITS.similar - taken.length))
      taken.push({ knowledgeBase: e.knowledgeBase, entryId: e.entryId, text: e.questions[round]! });
  }
  return taken;
}

import { type KnowledgeLookup, lookUpKnowledge } from '../brain/knowledge/look-up-knowledge.ts';
import { type LoadedKnowledge, loadKnowledge } from '../brain/load-brain.ts';
import { UnavailableError } from '../errors.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import { followKbChanges } from './follow-kb-changes.ts';
import { followVocabularySettings } from './follow-vocabulary-settings.ts';
import { knowledgeSetup } from './start-brain.ts';
import type { StartContext } from './start-context.ts';
import type { LiveSettings } from './start-settings.ts';

/**
 * The knowledge search of the console API (the agent's reply box, the admin's 「试一试」). A process
 * that runs a worker too (role `all`) searches the indexes its brain already holds, and tries
 * questions on that brain, model included. An API-only process has none: it
 * loads them on the first search, not at start (most API processes serve widgets and callbacks
 * and never search), and follows the kb-changed feed from then on, as a worker does. The load
 * costs what a worker's costs (the word prior, ~35 MB, and every knowledge base's index; seconds)
 * and is held for the life of the process. A failed load answers 503 and the next search tries again.
 */
export function knowledgeForApi(
  { config, logger }: StartContext,
  infra: Infrastructure,
  settings: LiveSettings,
  workerKnowledge?: LoadedKnowledge,
): KnowledgeLookup {
  if (workerKnowledge) return lookUpKnowledge(workerKnowledge);
  let feed: ReturnType<typeof followKbChanges> | undefined;
  let loading: Promise<KnowledgeLookup> | undefined;
  const load = async (): Promise<KnowledgeLookup> => {
    // Subscribed once, before the first load, so no change announced during a load is missed.
    if (!feed) {
      const subscriber = infra.connectRedis('kb changes', { maxRetriesPerRequest: null });
      feed = followKbChanges(subscriber, infra.redisPrefix, logger).catch((err) => {
        feed = undefined;
        subscriber.disconnect();
        throw err;
      });
    }
    const follower = await feed;
    const started = Date.now();
    const { vocabulary, smalltalk } = settings.current();
    const knowledge = await loadKnowledge({ ...knowledgeSetup(config, infra.db, logger), vocabulary, smallTalk: smalltalk });
    follower.attach(knowledge.indexes);
    followVocabularySettings(knowledge, settings, logger);
    logger.info({ ms: Date.now() - started }, 'knowledge bases loaded for the console search');
    return lookUpKnowledge(knowledge);
  };
  const loaded = () =>
    (loading ??= load().catch((err) => {
      loading = undefined;
      logger.error({ err }, 'loading the knowledge bases for the console search failed');
      throw new UnavailableError('the knowledge bases could not be loaded; try again', { cause: err });
    }));
  return {
    search: async (kbName, text, k) => (await loaded()).search(kbName, text, k),
    tryQuestion: async (kbName, text) => (await loaded()).tryQuestion(kbName, text),
    answeringEntry: async (kbName, question) => (await loaded()).answeringEntry(kbName, question),
    // Not loaded yet: the first load reads the database as it is then, and needs no refresh.
    refresh: async (kbName) => {
      const lookup = await loading?.catch(() => undefined);
      await lookup?.refresh(kbName);
    },
  };
}

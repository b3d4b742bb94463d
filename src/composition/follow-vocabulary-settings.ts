import type { LoadedKnowledge } from '../brain/load-brain.ts';
import type { Logger } from '../observability/logger.ts';
import type { LiveSettings } from './start-settings.ts';

/**
 * Keeps loaded knowledge reading text the way the company's settings say: small talk from the next
 * message on; a changed vocabulary by rebuilding every knowledge base's index with a new analyzer
 * (about what the start costs: ~0.3 s for the demo KB, ~3 s per 5,000 chunks, measured in
 * docs/admin.md), the old indexes answering meanwhile. Rebuilds run one after another, so an
 * older vocabulary never lands after a newer one; a failed one keeps the indexes in force.
 */
export function followVocabularySettings(knowledge: LoadedKnowledge, settings: LiveSettings, logger: Logger): void {
  let inForce = JSON.stringify(settings.current().vocabulary);
  let smallTalk = JSON.stringify(settings.current().smalltalk);
  let rebuilding = Promise.resolve();
  settings.onChange((now) => {
    if (JSON.stringify(now.smalltalk) !== smallTalk) {
      smallTalk = JSON.stringify(now.smalltalk);
      knowledge.useSmallTalk(now.smalltalk);
    }
    const vocabulary = JSON.stringify(now.vocabulary);
    if (vocabulary === inForce) return;
    inForce = vocabulary;
    rebuilding = rebuilding.then(async () => {
      const started = Date.now();
      try {
        await knowledge.useVocabulary(now.vocabulary);
        logger.info({ ms: Date.now() - started }, 'knowledge indexes rebuilt with the vocabulary saved in the console');
      } catch (err) {
        logger.error({ err }, 'the saved vocabulary could not be applied; the previous indexes keep answering');
      }
    });
  });
}

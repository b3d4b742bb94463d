import { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import type { InsightsRoutesDeps } from '../console/unanswered-routes.ts';
import type { Config } from '../config/env.ts';
import { createQuestionLab } from '../insights/question-lab.ts';
import type { Infrastructure } from './connect-infrastructure.ts';

/**
 * What 未知问题 and the dashboard need in an API process: the brain's analyzer and re-test over the brain's config,
 * loaded on first use, and how a saved answer is announced (announce-kb-change.ts).
 */
export function insightsForApi(
  config: Config,
  infra: Infrastructure,
  announceKbChange: (kbName: string) => Promise<void>,
): Omit<InsightsRoutesDeps, 'db'> {
  return {
    lab: createQuestionLab({ store: new KnowledgeStore(infra.db), configDir: config.env.BRAIN_CONFIG_DIR }),
    pricePer1kTokens: config.env.LLM_PRICE_PER_1K_TOKENS,
    announceKbChange,
  };
}

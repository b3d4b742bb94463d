import { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import type { Config } from '../config/env.ts';
import { createSettingsPreviewLab, type SettingsPreviewLab } from '../settings/preview-settings.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { LiveSettings } from './start-settings.ts';

/** The vocabulary and small-talk preview of an API process, over the brain's config as workers load it (the demo's vocabulary with the demo). */
export function settingsPreviewForApi(config: Config, infra: Infrastructure, settings: LiveSettings): SettingsPreviewLab {
  return createSettingsPreviewLab({
    db: infra.db,
    store: new KnowledgeStore(infra.db),
    configDir: config.env.BRAIN_CONFIG_DIR,
    ...(config.demo.vocabularyDir && { vocabularyDir: config.demo.vocabularyDir }),
    defaults: settings.defaults,
  });
}

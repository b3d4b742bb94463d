/**
 * The demo: the store page at GET /, the demo store's FAQ imported into an empty `default`
 * knowledge base, the store's own vocabulary, and the store's persona and greeting (悦享生活馆). It is what a newcomer sees after
 * `npm start`, and nothing a company's customers should meet: with NODE_ENV=production it is off
 * unless DEMO=1. WEB_CHAT_DEMO_PAGE and KB_DEMO_FILE, when set, still decide their own part.
 */
export const DEMO_KNOWLEDGE_FILE = 'config/kb/demo-store.csv';
export const DEMO_PERSONA_FILE = 'config/demo/persona.json';
/** The demo store's own lexicon (dictionary, synonyms, concepts): an example of what a company may add. */
export const DEMO_VOCABULARY_DIR = 'config/demo/brain';

export interface DemoSettings {
  /** GET / serves the demo store page with the widget. */
  page: boolean;
  /** Imported into `default` when it is empty; unset = nothing is. */
  knowledgeFile?: string;
  /** Replaces BRAIN_CONFIG_DIR's persona.json; unset = that one (neutral, no shop name). */
  personaFile?: string;
  /** The store's lexicon, read beside BRAIN_CONFIG_DIR's general one; unset = the general one alone. */
  vocabularyDir?: string;
}

export function demoSettings(
  env: { DEMO: boolean | undefined; WEB_CHAT_DEMO_PAGE: boolean | undefined; KB_DEMO_FILE?: string },
  production: boolean,
): DemoSettings {
  const on = env.DEMO ?? !production;
  const knowledgeFile = env.KB_DEMO_FILE ?? (on ? DEMO_KNOWLEDGE_FILE : 'none');
  return {
    page: env.WEB_CHAT_DEMO_PAGE ?? on,
    ...(knowledgeFile !== 'none' && { knowledgeFile }),
    ...(on && { personaFile: DEMO_PERSONA_FILE, vocabularyDir: DEMO_VOCABULARY_DIR }),
  };
}

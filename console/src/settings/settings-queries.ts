import { useQuery } from '@tanstack/react-query';
import { answerOf, api, type Schemas } from '../api/client';
import { queryKeys } from '../api/query-keys';

export type PersonaSettings = Schemas['PersonaSettings'];
export type PersonaDocument = PersonaSettings['document'];

/** The persona settings in force (version 0 = config/'s defaults, nothing saved yet). */
export function usePersonaSettings() {
  return useQuery({ queryKey: queryKeys.botSettings('persona'), queryFn: () => answerOf(api.GET('/api/settings/persona')) });
}

export type ModelSettings = Schemas['ModelSettings'];
export type ModelDocument = ModelSettings['document'];
export type ConnectionCheck = Schemas['ModelConnectionCheck'];

/** The model settings in force; the API key only masked. */
export function useModelSettings() {
  return useQuery({ queryKey: queryKeys.botSettings('model'), queryFn: () => answerOf(api.GET('/api/settings/model')) });
}

/** Every saved change of the bot's settings, newest first, from the audit log itself. */
export function useSettingsChanges() {
  return useQuery({
    queryKey: queryKeys.settingsChanges,
    queryFn: () => answerOf(api.GET('/api/audit', { params: { query: { action: 'settings.change', limit: 50 } } })),
  });
}

export type HandoffSettings = Schemas['HandoffSettings'];
export type HandoffDocument = HandoffSettings['document'];
export type BusinessHoursSettings = Schemas['BusinessHoursSettings'];
export type BusinessHoursDocument = BusinessHoursSettings['document'];
export type HoldNoticeSettings = Schemas['HoldNoticeSettings'];

/** The handoff rules in force (version 0 = config/brain/handoff.json's). */
export function useHandoffSettings() {
  return useQuery({ queryKey: queryKeys.botSettings('handoff'), queryFn: () => answerOf(api.GET('/api/settings/handoff')) });
}

/** The business hours in force (version 0 = off: always open). */
export function useBusinessHours() {
  return useQuery({ queryKey: queryKeys.botSettings('hours'), queryFn: () => answerOf(api.GET('/api/settings/hours')) });
}

/** The hold notice in force (version 0 = HOLD_NOTICE_TEXT and HOLD_NOTICE_INTERVAL_MS). */
export function useHoldNoticeSettings() {
  return useQuery({ queryKey: queryKeys.botSettings('holdNotice'), queryFn: () => answerOf(api.GET('/api/settings/hold-notice')) });
}

export type VocabularySettings = Schemas['VocabularySettings'];
export type VocabularyDocument = VocabularySettings['document'];
export type SmallTalkSettings = Schemas['SmallTalkSettings'];
export type SmallTalkDocument = SmallTalkSettings['document'];
export type SettingsPreview = Schemas['SettingsPreview'];

/** The company's synonym groups, words and stopwords in force (version 0 = none: config/brain's lexicon alone). */
export function useVocabularySettings() {
  return useQuery({ queryKey: queryKeys.botSettings('vocabulary'), queryFn: () => answerOf(api.GET('/api/settings/vocabulary')) });
}

/** The company's small talk in force, with smalltalk.json's kinds it is laid over. */
export function useSmallTalkSettings() {
  return useQuery({ queryKey: queryKeys.botSettings('smalltalk'), queryFn: () => answerOf(api.GET('/api/settings/smalltalk')) });
}

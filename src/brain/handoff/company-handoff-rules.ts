import type { HandoffRules } from './handoff-rules.ts';

/**
 * What a company changes of handoff.json in the console (机器人设置 → 转人工规则): its own
 * keywords and `unless` phrases, which built-in rules hand off, and after how many unanswered
 * turns. handoff.json stays the default and keeps what is not here (replies, `exact`, clarify).
 */
export interface CompanyHandoffRules {
  /** Phrases that hand the conversation to a person (customerAsked.phrases). */
  keywords: readonly string[];
  /** Phrases that cancel a keyword (customerAsked.unless). */
  unless: readonly string[];
  /** Built-in rules by name (each sensitive rule's name, `complaint`, `vip`): false = it never hands off; absent = on. */
  intents: Readonly<Record<string, boolean>>;
  /** Unanswered customer turns in a row before a person takes over (lowConfidence.consecutive); 0 = never. */
  repeatedMisses: number;
}

/** The built-in rules a company can switch off, by name, in handoff.json's order. */
export function handoffIntentNames(rules: HandoffRules): string[] {
  return [...rules.sensitive.map((rule) => rule.name), 'complaint', 'vip'];
}

/** handoff.json as a company's rules: what the console shows while nothing was saved. */
export function companyRulesOf(rules: HandoffRules): CompanyHandoffRules {
  return {
    keywords: rules.customerAsked.phrases,
    unless: rules.customerAsked.unless,
    intents: Object.fromEntries(handoffIntentNames(rules).map((name) => [name, true])),
    repeatedMisses: rules.lowConfidence.consecutive,
  };
}

/** handoff.json with a company's rules over it. A rule switched off keeps its reply but matches nothing. */
export function withCompanyRules(rules: HandoffRules, company: CompanyHandoffRules): HandoffRules {
  const on = (name: string) => company.intents[name] !== false;
  return {
    ...rules,
    customerAsked: { ...rules.customerAsked, phrases: [...company.keywords], unless: [...company.unless] },
    sensitive: rules.sensitive.filter((rule) => on(rule.name)),
    complaint: { ...rules.complaint, phrases: on('complaint') ? rules.complaint.phrases : [] },
    vip: { ...rules.vip, tags: on('vip') ? rules.vip.tags : [] },
    lowConfidence: {
      ...rules.lowConfidence,
      consecutive: company.repeatedMisses === 0 ? Number.POSITIVE_INFINITY : company.repeatedMisses,
    },
  };
}

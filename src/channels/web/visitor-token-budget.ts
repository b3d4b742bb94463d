import type { Redis } from 'ioredis';
import type { WebAccount } from './config.ts';
import { addToDailyCounters, readDailyCounters } from '../../lib/daily-counters.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { ModelAllowance, ModelTokenBudget, OutboundRecipient } from '../types.ts';
import { isAnonymousVisitor } from './session-token.ts';

/**
 * The widget's daily model-token budgets, counted in Redis per UTC day: per anonymous visitor
 * (WEB_CHAT_VISITOR_TOKENS_PER_DAY) and per widget account, all its visitors together, signed-in
 * ones included (WEB_CHAT_ACCOUNT_TOKENS_PER_DAY). Signed-in customers have no budget of their own:
 * the company vouches for them. A spent budget is checked before a turn, so the turn that spends
 * it still finishes with the model; the next one is answered from the knowledge base only.
 */
export function createVisitorTokenBudget(redis: Redis, accounts: WebAccount[], metrics: Metrics): ModelTokenBudget {
  // Looked up per call: accounts added in the console while running are in the list.
  const byName = { get: (name: string) => accounts.find((a) => a.name === name) };
  const keys = (to: OutboundRecipient) => [`web:tokens:${to.accountName}`, `web:tokens:${to.accountName}:${to.customerExternalId}`];

  function spentOf(account: WebAccount, to: OutboundRecipient, [accountSpent, visitorSpent]: number[]): string | undefined {
    if (accountSpent! >= account.accountTokensPerDay) return 'model_tokens_per_account';
    if (isAnonymousVisitor(to.customerExternalId) && visitorSpent! >= account.visitorTokensPerDay) return 'model_tokens_per_visitor';
    return undefined;
  }

  return {
    async allowance(to): Promise<ModelAllowance> {
      const account = byName.get(to.accountName);
      if (!account) return { allowed: true };
      const spent = spentOf(account, to, await readDailyCounters(redis, keys(to)));
      if (!spent) return { allowed: true };
      metrics.webBudgetExhausted.inc({ account: account.name, budget: spent });
      return { allowed: false, spent };
    },
    async spend(to, tokens) {
      await addToDailyCounters(redis, keys(to), tokens);
      metrics.webBudgetSpent.inc({ account: to.accountName, budget: 'model_tokens' }, tokens);
    },
  };
}

import test from 'ava';
import { loadEvalDomains } from '../../src/brain/evaluation/eval-domains.ts';
import { evaluateModelAnswers, formatModelReport } from '../../src/brain/evaluation/model-eval.ts';
import { FakeOpenAiApi, knowledgePassages } from '../../src/simulator/fake-openai-api.ts';
import { simulatedModelReply } from '../../src/simulator/simulated-model.ts';
import { FALLBACK, fakeModelSettings } from '../support/model-brain.ts';

test('eval --model: the simulated model misquotes numbers now and then; every one whose number the passage lacks is withheld, and no reply sent has an unsupported fact or lacks a citation', async (t) => {
  const fake = new FakeOpenAiApi();
  const baseUrl = await fake.listen();
  t.teardown(() => fake.close());
  // Misquotes whose new number appears nowhere in the cited passage: a check of facts, not of
  // claims, catches these; 「约 4～6 个月」 from 「3～6 个月 … 4～5 次」 it cannot, and is not counted.
  let misquoted = 0;
  let detectable = 0;
  const digitRuns = (text: string) => new Set(text.match(/\d+/g) ?? []);
  fake.onChat = (request) => {
    const reply = simulatedModelReply(request);
    const answer = 'structured' in reply ? String(reply.structured.answer) : '';
    const [first] = knowledgePassages(request).values();
    if (answer !== '' && !first?.includes(answer)) {
      misquoted++;
      const known = digitRuns(first ?? '');
      if ([...digitRuns(answer)].some((run) => !known.has(run))) detectable++;
    }
    return reply;
  };
  const domains = (await loadEvalDomains()).filter((domain) => domain.name === 'dental');
  const [dental] = await evaluateModelAnswers(domains, {
    configDir: 'config/brain',
    promptsDir: 'config/prompts',
    model: fakeModelSettings(baseUrl, { maxRetries: 0 }),
    fallbackText: FALLBACK,
  });
  t.true(detectable > 0 && detectable <= misquoted, `${detectable} of ${misquoted} misquotes detectable`);
  t.is(dental!.withheld.unsupported_facts, detectable);
  t.is(dental!.unsupportedFacts, 0);
  t.is(dental!.uncited, 0);
  t.true(dental!.modelReplies > dental!.questions / 2, `${dental!.modelReplies} model replies`);
  t.is(dental!.modelReplies + dental!.offline + dental!.declined + dental!.handoffs, dental!.questions);
  t.regex(formatModelReport('fake-model', [dental!]), /uncited 0, unsupported facts 0$/);
});

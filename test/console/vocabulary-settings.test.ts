import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/rows.ts';
import { answerOnceSettled, botAnswers, uploadDocument } from '../support/bot-answers.ts';
import { callJson, type SignedIn, signedInStaff } from '../support/console-api.ts';
import { type Harness, startHarness } from '../support/wecom-service.ts';

interface Outcome {
  decision: string;
  entryId?: string;
  label?: string;
}
interface Preview {
  similar: { asked: number; hitBefore: number; hitAfter: number; folds: number };
  recent: { asked: number; answeredBefore: number; answeredAfter: number; changed: number };
  changed: Array<{ source: 'similar' | 'recent'; text: string; before: Outcome; after: Outcome; ownEntry?: string }>;
  ms: number;
}

/**
 * A dental clinic's FAQ, one similar question per entry, so each is asked of an index holding its
 * entry's standard question alone (src/brain/evaluation/settings-preview.ts): 洁治 is the clinic's
 * word for 洗牙 and no general word list says so; 种植牙 is shared word for word; 星期天 is 周末
 * by the general thesaurus. Before the company's synonym group 2 of 3 find their entry, after it 3.
 */
const CLINIC_FAQ = [
  'question,answer,similar',
  '洗牙多少钱,洗牙一次 128 元，含抛光。,洁治多少钱',
  '种植牙多少钱,种植牙每颗 6800 元起。,种植牙价格',
  '周末营业吗,周六周日照常营业，9:00-18:00。,星期天开门吗',
].join('\n');
const SCALING = { synonyms: [['洗牙', '洁治', '洁牙']], words: [], stopwords: [] };
const GOODBYE = { kind: 'goodbye', enabled: true, phrases: ['拜拜', '再见'], reply: '再见，祝您生活愉快！' };

let h: Harness;
let admin: SignedIn;
test.before(async () => {
  h = await startHarness({ database: 'pglite', env: { DEMO: '0' } });
  admin = await signedInStaff(h.baseUrl, h.service.db, 'admin@example.com', 'admin');
  const uploaded = await uploadDocument(h, admin, 'default', 'clinic.csv', CLINIC_FAQ);
  if (uploaded.status !== 200) throw new Error(await uploaded.text());
  await answerOnceSettled(h, '种植牙多少钱', (answer) => answer.includes('6800'));
});
test.after.always(() => h?.close());

const settingsAudit = () =>
  queryRows<{ object_id: string; details: Record<string, unknown> }>(
    h.service.db,
    sql`select object_id, details from audit_log where action = 'settings.change' order by id`,
  );

test.serial(
  'a word in two groups, a one-word group, a stopword that is a synonym and a phrase in two kinds are refused with what is wrong',
  async (t) => {
    const refused = async (path: string, document: unknown) => {
      const response = await callJson<{ message: string }>(h.baseUrl, admin, 'PUT', path, { baseVersion: 0, document });
      t.is(response.status, 400, JSON.stringify(response.body));
      return response.body.message;
    };
    t.regex(
      await refused('/api/settings/vocabulary', {
        synonyms: [
          ['洗牙', '洁治'],
          ['洁牙', '洗牙'],
        ],
      }),
      /synonyms\.1\.1: 「洗牙」 is in group 1 and group 2/,
    );
    t.regex(await refused('/api/settings/vocabulary', { synonyms: [['洗牙', '洗牙']] }), /「洗牙」 is twice in group 1/);
    t.regex(await refused('/api/settings/vocabulary', { synonyms: [['洗牙']] }), /group 1 needs two words or more/);
    t.regex(await refused('/api/settings/vocabulary', { synonyms: [['洗牙', '洁 治']] }), /one word: no spaces/);
    t.regex(
      await refused('/api/settings/vocabulary', { synonyms: [['洗牙', '洁治']], stopwords: ['潔治'] }),
      /「潔治」 is a stopword and in synonym group 1/,
    );
    t.regex(
      await refused('/api/settings/vocabulary', { synonyms: Array.from({ length: 501 }, (_, i) => [`词${i}`, `语${i}`]) }),
      /synonyms: Too big/i,
    );
    t.regex(
      await refused('/api/settings/smalltalk', { kinds: [GOODBYE, { kind: 'thanks', phrases: ['再见'] }] }),
      /「再见」 is a phrase of goodbye and of thanks/,
    );
    t.regex(await refused('/api/settings/smalltalk', { kinds: [{ ...GOODBYE, reply: undefined }] }), /the new kind goodbye needs a reply/);
    t.regex(await refused('/api/settings/smalltalk', { kinds: [{ kind: 'greeting', phrases: ['哈啰'], reply: '您好' }] }), /欢迎语/);
    t.is((await callJson<{ version: number }>(h.baseUrl, admin, 'GET', '/api/settings/vocabulary')).body.version, 0);
    t.deepEqual(await settingsAudit(), [], 'nothing refused was saved or audited');
  },
);

test.serial(
  'the preview counts the FAQ similar questions that find their entry and lists the recent questions a synonym group changes; saved, the running bot answers with it at once',
  async (t) => {
    t.notRegex(await botAnswers(h, '洁牙多少钱'), /128/, 'before: the clinic’s word is not known');
    t.regex(await botAnswers(h, '种植牙多少钱'), /6800/);

    const preview = await callJson<Preview>(h.baseUrl, admin, 'POST', '/api/settings/vocabulary/preview', { document: SCALING });
    t.is(preview.status, 200, JSON.stringify(preview.body));
    t.deepEqual(preview.body.similar, { asked: 3, hitBefore: 2, hitAfter: 3, folds: 2 });
    t.like(
      preview.body.changed.find((q) => q.source === 'similar'),
      { text: '洁治多少钱', before: { decision: 'decline' }, after: { decision: 'answer', label: '洗牙多少钱' } },
    );
    const recent = preview.body.changed.filter((q) => q.source === 'recent');
    t.deepEqual(
      recent.map((q) => [q.text, q.before.decision, q.after.decision, q.after.label]),
      [['洁牙多少钱', 'decline', 'answer', '洗牙多少钱']],
      'only the question the group is about changes; 种植牙多少钱 keeps its answer',
    );
    t.is(preview.body.recent.changed, 1);
    t.is(preview.body.recent.answeredAfter, preview.body.recent.answeredBefore + 1);
    t.true(preview.body.recent.asked >= 2, 'the customers’ questions from the conversation history');
    t.is(
      (await callJson<{ version: number }>(h.baseUrl, admin, 'GET', '/api/settings/vocabulary')).body.version,
      0,
      'a preview saves nothing',
    );

    const saved = await callJson<{ version: number }>(h.baseUrl, admin, 'PUT', '/api/settings/vocabulary', {
      baseVersion: 0,
      document: SCALING,
    });
    t.is(saved.status, 200, JSON.stringify(saved.body));
    t.is(saved.body.version, 1);
    const started = Date.now();
    t.regex(await answerOnceSettled(h, '洁牙多少钱', (answer) => /128/.test(answer)), /128/, 'the worker answers with the saved group');
    t.log(`the running worker answered with the new vocabulary ${Date.now() - started} ms after the save`);
    t.regex(await botAnswers(h, '种植牙多少钱'), /6800/, 'the rebuilt index still answers the rest');
    const [entry] = await settingsAudit();
    t.like(entry, { object_id: 'vocabulary', details: { section: 'vocabulary', fromVersion: 0, toVersion: 1, after: SCALING } });
  },
);

test.serial('a small-talk kind of the company’s own is previewed on the recent questions and, saved, answered at once', async (t) => {
  t.notRegex(await botAnswers(h, '拜拜'), /祝您生活愉快/);
  const defaults = await callJson<{ defaults: Array<{ kind: string }> }>(h.baseUrl, admin, 'GET', '/api/settings/smalltalk');
  t.deepEqual(defaults.body.defaults.map((k) => k.kind).sort(), ['acknowledgement', 'greeting', 'thanks'], 'smalltalk.json’s kinds');

  const document = { kinds: [GOODBYE, { kind: 'acknowledgement', enabled: false, phrases: [] }] };
  const preview = await callJson<Preview>(h.baseUrl, admin, 'POST', '/api/settings/smalltalk/preview', { document });
  t.is(preview.status, 200, JSON.stringify(preview.body));
  const recent = preview.body.changed.filter((q) => q.source === 'recent');
  t.like(
    recent.find((q) => q.text === '拜拜'),
    { before: { decision: 'decline' }, after: { decision: 'smalltalk', label: 'goodbye' } },
  );
  t.is(
    recent.find((q) => q.text === '洁牙多少钱'),
    undefined,
    'the saved vocabulary is in force on both sides',
  );
  t.deepEqual(preview.body.similar, { asked: 3, hitBefore: 3, hitAfter: 3, folds: 2 });

  const saved = await callJson<{ version: number }>(h.baseUrl, admin, 'PUT', '/api/settings/smalltalk', { baseVersion: 0, document });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.is(await answerOnceSettled(h, '拜拜', (answer) => answer === GOODBYE.reply), GOODBYE.reply);
  t.notRegex(await botAnswers(h, '好的'), /还有其他需要随时找我/, 'the acknowledgement kind is off');
  t.deepEqual(
    (await settingsAudit()).map((e) => e.object_id),
    ['vocabulary', 'smalltalk'],
  );
});

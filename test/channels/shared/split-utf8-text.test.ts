import test from 'ava';
import { splitUtf8Text } from '../../../src/channels/shared/split-utf8-text.ts';

const WECOM_TEXT_MAX_BYTES = 2048;

const bytes = (s: string) => Buffer.byteLength(s);

test('a text within 2048 bytes is one part', (t) => {
  t.deepEqual(splitUtf8Text('你好，欢迎光临。', WECOM_TEXT_MAX_BYTES), ['你好，欢迎光临。']);
});

test('long Chinese text splits into parts of at most 2048 bytes, at sentence ends, losing nothing', (t) => {
  const sentence = '我们的退货政策是签收后七天内可以无理由退货，商品需保持完好。'; // 30 chars, 90 bytes
  const text = sentence.repeat(60); // 5400 bytes
  const parts = splitUtf8Text(text, WECOM_TEXT_MAX_BYTES);
  t.true(parts.length >= 3);
  for (const p of parts) {
    t.true(bytes(p) <= WECOM_TEXT_MAX_BYTES);
    t.true(p.endsWith('。'), 'each part ends at a sentence end');
  }
  t.is(parts.join(''), text);
});

test('text without punctuation splits on character boundaries, never inside a UTF-8 sequence', (t) => {
  const text = '字'.repeat(1000) + '😀'.repeat(300); // 3000 + 1200 bytes
  const parts = splitUtf8Text(text, WECOM_TEXT_MAX_BYTES);
  for (const p of parts) {
    t.true(bytes(p) <= WECOM_TEXT_MAX_BYTES);
    t.false(p.includes('\uFFFD'));
  }
  t.is(parts.join(''), text);
});

test('a part ends exactly at the byte limit when no boundary is near', (t) => {
  const text = 'a'.repeat(WECOM_TEXT_MAX_BYTES + 10);
  const parts = splitUtf8Text(text, WECOM_TEXT_MAX_BYTES);
  t.deepEqual(parts.map(bytes), [WECOM_TEXT_MAX_BYTES, 10]);
});

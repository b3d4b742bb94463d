import { pick, type HostileRequest, type Maker } from './hostile-http.ts';
import type { TextMarkers } from './text-markers.ts';

/**
 * The signed-callback fuzzer: callbacks a platform could really have signed (and encrypted), whose
 * inner document is what is wrong — fields missing or of the wrong type, huge, duplicated or
 * nested, unknown MsgTypes, and NUL or lone surrogates in every text field, as raw characters and
 * as XML character references. The signature holds, so all of it reaches the parser and the
 * database; none of it may earn a 5xx (the platform would retry it forever) or reach a log.
 */
export type Field = [name: string, value: string | number];

export interface InnerMessage {
  fields: Field[];
  /** Fields that carry customer text: each fuzzed value holds a marker. */
  textFields: string[];
  /** Identifier fields: fuzzed without markers (ids may be logged). */
  idFields: string[];
}

/** A field value written as is (it may hold a character reference); others go in CDATA. */
class Raw {
  constructor(readonly text: string) {}
}
type Value = string | number | Raw | Raw[];

const element = (name: string, v: Value): string =>
  Array.isArray(v)
    ? v.map((r) => element(name, r)).join('')
    : v instanceof Raw
      ? `<${name}>${v.text}</${name}>`
      : typeof v === 'number'
        ? `<${name}>${v}</${name}>`
        : `<${name}><![CDATA[${v}]]></${name}>`;

const render = (fields: Array<[string, Value]>) => `<xml>${fields.map(([n, v]) => element(n, v)).join('')}</xml>`;

/** The message as the platform writes it, unbroken. */
export const messageXml = (m: InnerMessage) => render(m.fields);

type Op = (m: InnerMessage, mark: () => string) => string;

/** Each text field replaced by `replace(marker)`; the rest kept. */
const inTextFields = (m: InnerMessage, mark: () => string, replace: (marker: string) => Value) =>
  render(m.fields.map(([n, v]) => [n, m.textFields.includes(n) ? replace(mark()) : v]));

export const FUZZ_OPS: Record<string, Op> = {
  'NUL in every text field': (m, mark) => inTextFields(m, mark, (k) => `${k} a\u0000b`),
  'lone surrogate in every text field (&#xD800;)': (m, mark) => inTextFields(m, mark, (k) => new Raw(`${k} a&#xD800;b`)),
  'NUL character reference (&#0;) in every text field': (m, mark) => inTextFields(m, mark, (k) => new Raw(`${k} a&#0;b`)),
  'lone surrogate, raw, in every text field': (m, mark) => inTextFields(m, mark, (k) => `${k} a\ud800b\udfffc`),
  'NUL and lone surrogates in ids': (m) =>
    render(m.fields.map(([n, v]) => [n, m.idFields.includes(n) ? new Raw(`${String(v)}&#0;&#xDC00;\u0000`) : v])),
  'a field missing': (m, mark) => {
    const drop = pick(m.fields)[0];
    return inTextFields({ ...m, fields: m.fields.filter(([n]) => n !== drop) }, mark, (k) => `${k} 营业时间`);
  },
  'fields of the wrong type': (m, mark) =>
    render(
      m.fields.map(([n, v]) => [
        n,
        m.textFields.includes(n) ? new Raw(`<i>${mark()}</i>`) : typeof v === 'number' ? pick(['yesterday', '-1e999', 'NaN', '']) : 1e21,
      ]),
    ),
  'a huge text field': (m, mark) => inTextFields(m, mark, (k) => `${k} ${'长'.repeat(12_000)}`),
  'an unknown MsgType': (m, mark) =>
    inTextFields(
      { ...m, fields: m.fields.map(([n, v]) => [n, n === 'MsgType' ? pick(['hologram', 'TEXT', ' text', 'text\u0000']) : v]) },
      mark,
      (k) => `${k} 你好`,
    ),
  'duplicated elements': (m, mark) =>
    render(
      m.fields.flatMap(([n, v]) => (m.textFields.includes(n) || n === 'MsgType' ? [[n, `${mark()} one`], [n, v] as Field] : [[n, v]])),
    ),
  'a nested element': (m, mark) => inTextFields(m, mark, (k) => new Raw(`<b>${k}</b><b>2</b>`)),
  'an empty document': () => '<xml></xml>',
  'not XML inside': (_m, mark) => `${mark()} 这不是XML \u0000\ud800`,
  'an unclosed element': (m, mark) => inTextFields(m, mark, (k) => new Raw(`${k}<Content>`)),
};

export interface SignedFuzzTarget {
  route: string;
  path: string;
  /** Signs (and encrypts, in the modes that do) an inner document as the platform would. */
  seal: (innerXml: string) => { query: string; body: string };
  /** A random well-formed message of the channel, for the fuzzer to break. */
  message: () => InnerMessage;
  markers: TextMarkers;
  /** Label for the kind (e.g. the mode), so one route's modes are told apart. */
  label?: string;
}

/** One maker per fuzz operation, each on a random message of the channel. */
export function signedFuzzMakers(target: SignedFuzzTarget): Maker[] {
  return Object.entries(FUZZ_OPS).map(([name, op]) => (): HostileRequest => {
    const { query, body } = target.seal(op(target.message(), () => target.markers.next()));
    return {
      route: target.route,
      kind: `signed${target.label ? ` (${target.label})` : ''}: ${name}`,
      method: 'POST',
      url: `${target.path}?${query}`,
      headers: { 'content-type': 'text/xml' },
      body,
    };
  });
}

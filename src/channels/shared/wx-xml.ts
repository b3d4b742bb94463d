import { RejectedRequestError } from '../../errors.ts';

export type XmlFields = { [name: string]: XmlValue };
type XmlValue = string | XmlFields | XmlValue[];

/**
 * Parses the <xml>…</xml> documents WeChat and WeCom send: elements, text and CDATA only
 * (消息格式 https://developer.work.weixin.qq.com/document/path/90239 ,
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html ).
 * An element with text becomes a trimmed string, one with children an object, a repeated child an
 * array (the nested events, e.g. SendPicsInfo > PicList > item). Anything else XML allows is
 * refused: a DOCTYPE or ENTITY (so no entity expansion can ever happen), processing instructions
 * other than the declaration, undefined entities, text beside child elements. The platforms never
 * send these, and a parser that knows nothing else costs a fraction of a general one on the
 * callback path (this replaced xml2js: ~20 % of the api's CPU under load, see docs/performance.md).
 * Objects have no prototype, so an element named __proto__ is just a field.
 */
export function parseWxXml(xml: string): XmlFields {
  const root = new WxXmlReader(xml).document();
  if (root.name !== 'xml' || typeof root.value !== 'object' || Array.isArray(root.value)) {
    throw malformed('expected an <xml> document');
  }
  return root.value;
}

/** A text field of a parsed document ('' when absent or not text). */
export function field(doc: XmlFields, name: string): string {
  const v = doc[name];
  return typeof v === 'string' ? v : '';
}

/** A required text field, or a 400 naming it. */
export function requiredField(doc: XmlFields, name: string): string {
  const v = field(doc, name);
  if (!v) throw new RejectedRequestError('malformed_xml', `missing <${name}>`, 400);
  return v;
}

const malformed = (why: string) => new RejectedRequestError('malformed_xml', `body is not a well-formed callback document: ${why}`, 400);

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g;

interface Open {
  name: string;
  text: string;
  children: XmlFields | undefined;
}

class WxXmlReader {
  private at = 0;

  constructor(private readonly xml: string) {}

  document(): { name: string; value: XmlValue } {
    this.skipProlog();
    if (!this.xml.startsWith('<', this.at)) throw malformed('no root element');
    const stack: Open[] = [];
    let root: { name: string; value: XmlValue } | undefined;
    while (root === undefined) {
      const lt = this.xml.indexOf('<', this.at);
      if (lt < 0) throw malformed(`<${stack.at(-1)?.name}> is not closed`);
      if (lt > this.at) this.appendText(stack, decodeText(this.xml.slice(this.at, lt)));
      this.at = lt;
      if (this.xml.startsWith('<![CDATA[', lt)) {
        const end = this.xml.indexOf(']]>', lt + 9);
        if (end < 0) throw malformed('unterminated CDATA');
        this.appendText(stack, this.xml.slice(lt + 9, end));
        this.at = end + 3;
      } else if (this.xml.startsWith('<!--', lt)) {
        this.skipComment();
      } else if (this.xml.startsWith('</', lt)) {
        const open = stack.pop();
        const name = this.readName(lt + 2);
        if (!open || open.name !== name) throw malformed(`</${name}> does not close <${open?.name ?? ''}>`);
        this.expect('>');
        const value = closedValue(open);
        const parent = stack.at(-1);
        if (parent) addChild(parent, name, value);
        else root = { name, value };
      } else if (this.xml[lt + 1] === '!' || this.xml[lt + 1] === '?') {
        throw malformed('DTDs, entities and processing instructions are not accepted');
      } else {
        const name = this.readName(lt + 1);
        const selfClosing = this.skipAttributes();
        if (selfClosing) {
          const parent = stack.at(-1);
          if (parent) addChild(parent, name, '');
          else root = { name, value: '' };
        } else {
          stack.push({ name, text: '', children: undefined });
        }
      }
    }
    this.skipMisc();
    if (this.at < this.xml.length) throw malformed('content after the root element');
    return root;
  }

  private appendText(stack: Open[], text: string): void {
    const open = stack.at(-1);
    if (open) open.text += text;
    else if (text.trim()) throw malformed('text outside the root element');
  }

  /** A byte-order mark, the XML declaration, comments and whitespace before the root. */
  private skipProlog(): void {
    if (this.xml.charCodeAt(0) === 0xfeff) this.at = 1;
    this.skipWhitespace();
    if (this.xml.startsWith('<?xml', this.at) && /\s/.test(this.xml[this.at + 5] ?? '')) {
      const end = this.xml.indexOf('?>', this.at);
      if (end < 0) throw malformed('unterminated XML declaration');
      this.at = end + 2;
    }
    this.skipMisc();
  }

  private skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (!this.xml.startsWith('<!--', this.at)) return;
      this.skipComment();
    }
  }

  private skipComment(): void {
    const end = this.xml.indexOf('-->', this.at + 4);
    if (end < 0) throw malformed('unterminated comment');
    this.at = end + 3;
  }

  private skipWhitespace(): void {
    while (this.at < this.xml.length && isWhitespace(this.xml.charCodeAt(this.at))) this.at++;
  }

  private readName(from: number): string {
    NAME.lastIndex = from;
    const m = NAME.exec(this.xml);
    if (!m) throw malformed(`bad element name at ${from}`);
    this.at = from + m[0].length;
    return m[0];
  }

  private expect(char: string): void {
    this.skipWhitespace();
    if (this.xml[this.at] !== char) throw malformed(`expected "${char}" at ${this.at}`);
    this.at++;
  }

  /** Attributes are skipped (the platforms send none); returns whether the tag closed itself. */
  private skipAttributes(): boolean {
    for (;;) {
      this.skipWhitespace();
      const c = this.xml[this.at];
      if (c === '>') {
        this.at++;
        return false;
      }
      if (c === '/') {
        this.at++;
        this.expect('>');
        return true;
      }
      this.readName(this.at);
      this.expect('=');
      this.skipWhitespace();
      const quote = this.xml[this.at];
      if (quote !== '"' && quote !== "'") throw malformed(`unquoted attribute at ${this.at}`);
      const end = this.xml.indexOf(quote, this.at + 1);
      if (end < 0 || this.xml.slice(this.at + 1, end).includes('<')) throw malformed('unterminated attribute');
      this.at = end + 1;
    }
  }
}

function closedValue(open: Open): XmlValue {
  if (!open.children) return open.text.trim();
  if (open.text.trim()) throw malformed(`<${open.name}> mixes text and elements`);
  return open.children;
}

function addChild(parent: Open, name: string, value: XmlValue): void {
  parent.children ??= Object.create(null) as XmlFields;
  const existing = parent.children[name];
  // Values are strings or objects: an array can only be the repeats of an element.
  if (existing === undefined) parent.children[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.children[name] = [existing, value];
}

const BARE_AMPERSAND = /&(?!(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]+);)/;

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  if (BARE_AMPERSAND.test(raw)) throw malformed('a bare "&" in text');
  return raw.replace(REFERENCE, (_, ref: string) => {
    if (ref[0] !== '#') {
      const named = ENTITIES[ref];
      if (named === undefined) throw malformed(`undefined entity &${ref};`);
      return named;
    }
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw malformed(`bad character reference &${ref};`);
    return String.fromCodePoint(code);
  });
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

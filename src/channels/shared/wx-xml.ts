import { parseStringPromise } from 'xml2js';
import { RejectedRequestError } from '../../errors.ts';

export type XmlFields = Record<string, unknown>;

/**
 * Parses the flat <xml>…</xml> documents WeChat and WeCom send. The platforms never send a DTD,
 * so any DOCTYPE or ENTITY declaration is refused outright: no entity expansion can happen.
 */
export async function parseWxXml(xml: string): Promise<XmlFields> {
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) throw new RejectedRequestError('malformed_xml', 'XML with a DTD is not accepted', 400);
  let doc: unknown;
  try {
    doc = await parseStringPromise(xml, { explicitArray: false, trim: true, explicitRoot: true });
  } catch {
    throw new RejectedRequestError('malformed_xml', 'body is not well-formed XML', 400);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new RejectedRequestError('malformed_xml', 'expected an <xml> document', 400);
  return root as XmlFields;
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

import test from 'ava';
import { field, parseWxXml } from '../../../src/channels/shared/wx-xml.ts';
import { RejectedRequestError } from '../../../src/errors.ts';
import { vectors } from '../../support/wecom-service.ts';

test('the official sample message parses to its fields', (t) => {
  const doc = parseWxXml(vectors.message.expectedPlaintext);
  t.deepEqual(
    { ...doc },
    {
      ToUserName: 'wx5823bf96d3bd56c7',
      FromUserName: 'mycreate',
      CreateTime: '1409659813',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    },
  );
});

test('nested events: children become objects, repeated children arrays', (t) => {
  // 弹出系统拍照发图 (pic_sysphoto), https://developer.work.weixin.qq.com/document/path/90240
  const xml = `<xml><ToUserName><![CDATA[corp]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_sysphoto]]></Event>
    <SendPicsInfo><Count>2</Count>
      <PicList><item><PicMd5Sum><![CDATA[a1]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[b2]]></PicMd5Sum></item></PicList>
    </SendPicsInfo><Single><item><PicMd5Sum>c3</PicMd5Sum></item></Single><Three><i>1</i><i>2</i><i>3</i></Three></xml>`;
  const doc = JSON.parse(JSON.stringify(parseWxXml(xml)));
  t.deepEqual(doc.SendPicsInfo, { Count: '2', PicList: { item: [{ PicMd5Sum: 'a1' }, { PicMd5Sum: 'b2' }] } });
  t.deepEqual(doc.Single, { item: { PicMd5Sum: 'c3' } });
  t.deepEqual(doc.Three, { i: ['1', '2', '3'] });
});

test('text: CDATA is kept as written, references are decoded, both are trimmed', (t) => {
  const doc = parseWxXml(
    `<?xml version="1.0" encoding="utf-8"?>\n<!-- a comment --><xml>
      <A><![CDATA[ <b>&amp; ]] kept </b> ]]></A>
      <B>&lt;p&gt; Tom &amp; Jerry&apos;s &quot;&#20013;&#x6587;&quot; &#x1F600;</B>
      <C>a<![CDATA[<b>]]>c</C>
      <Empty></Empty><SelfClosed/><Attr kind="x">v</Attr>
    </xml>`,
  );
  t.is(doc.A, '<b>&amp; ]] kept </b>');
  t.is(doc.B, `<p> Tom & Jerry's "中文" 😀`);
  t.is(doc.C, 'a<b>c');
  t.is(doc.Empty, '');
  t.is(doc.SelfClosed, '');
  t.is(doc.Attr, 'v');
});

test('a byte-order mark before the document is not content', (t) => {
  t.is(parseWxXml('\uFEFF<?xml version="1.0"?><xml><A>x</A></xml>').A, 'x');
});

test('an element named __proto__ is a field like any other', (t) => {
  const doc = parseWxXml('<xml><__proto__><polluted>yes</polluted></__proto__><constructor>x</constructor></xml>');
  t.deepEqual(JSON.parse(JSON.stringify(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value)), { polluted: 'yes' });
  t.is(field(doc, 'constructor'), 'x');
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('everything but elements, text and CDATA is refused with a 400', (t) => {
  const refused = {
    'empty body': '',
    'not XML': 'hello',
    'DOCTYPE with an entity': '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><xml><Encrypt>&a;</Encrypt></xml>',
    'entity declaration inside': '<xml><!ENTITY a "b"><A>x</A></xml>',
    'external entity': '<!DOCTYPE x SYSTEM "file:///etc/passwd"><xml><A>x</A></xml>',
    'undefined entity': '<xml><A>&a;</A></xml>',
    'bare ampersand': '<xml><A>Tom & Jerry</A></xml>',
    'character reference to NUL': '<xml><A>&#0;</A></xml>',
    'character reference to a surrogate': '<xml><A>&#xD800;</A></xml>',
    'processing instruction': '<xml><?php echo 1 ?><A>x</A></xml>',
    'unclosed element': '<xml><Encrypt>unterminated',
    'unclosed root': '<xml><A>x</A>',
    'mismatched tags': '<xml><A>x</B></xml>',
    'close without open': '</xml>',
    'unterminated CDATA': '<xml><A><![CDATA[x</A></xml>',
    'unterminated comment': '<xml><!-- x</xml>',
    'content after the root': '<xml><A>x</A></xml><xml><A>y</A></xml>',
    'text after the root': '<xml><A>x</A></xml>trailing',
    'text before the root': 'leading<xml><A>x</A></xml>',
    'text beside elements': '<xml>text<A>x</A></xml>',
    'root other than xml': '<root><A>x</A></root>',
    'root with text only': '<xml>just text</xml>',
    'empty root': '<xml></xml>',
    'bad element name': '<xml><1A>x</1A></xml>',
    'unquoted attribute': '<xml a=b><A>x</A></xml>',
  };
  for (const [why, xml] of Object.entries(refused)) {
    const err = t.throws(() => parseWxXml(xml), { instanceOf: RejectedRequestError }, why);
    t.is(err?.status, 400, why);
    t.is(err?.code, 'malformed_xml', why);
  }
});

test('mutated documents either parse or are refused with a 400: never another error', (t) => {
  const source = `<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[user]]></FromUserName><CreateTime>1409659813</CreateTime>
    <MsgType><![CDATA[text]]></MsgType><Content>a &amp; b &#20013;</Content><List><item><X>1</X></item><item><X>2</X></item></List></xml>`;
  const alphabet = ['<', '>', '/', '&', ';', '#', '!', '?', '[', ']', '"', '=', ' ', 'x', '\u0000', '中', '<![CDATA[', ']]>', '<!--'];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let parsed = 0;
  let refused = 0;
  for (let i = 0; i < 5000; i++) {
    let xml = source;
    for (let k = 0; k <= random(4); k++) {
      const at = random(xml.length);
      const cut = random(3);
      xml = xml.slice(0, at) + (random(2) ? alphabet[random(alphabet.length)] : '') + xml.slice(at + cut);
    }
    try {
      parseWxXml(xml);
      parsed++;
    } catch (err) {
      if (!(err instanceof RejectedRequestError)) return t.fail(`${String(err)} for ${JSON.stringify(xml)}`);
      refused++;
    }
  }
  t.true(parsed > 100 && refused > 100, `parsed ${parsed}, refused ${refused}`);
});

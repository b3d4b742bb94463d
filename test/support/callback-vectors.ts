import { readFileSync } from 'node:fs';

/**
 * The official sample values of the WXBizMsgCrypt callback crypto, kept in the repository
 * (test/fixtures/wecom-callback-vectors.json, with their source) so a plain clone runs every test.
 */
export const vectors = JSON.parse(readFileSync(new URL('../fixtures/wecom-callback-vectors.json', import.meta.url), 'utf8')) as {
  token: string;
  encodingAESKey: string;
  receiveId: string;
  urlVerification: { msg_signature: string; timestamp: string; nonce: string; echostr: string; expectedResponse: string };
  message: { msg_signature: string; timestamp: string; nonce: string; encrypt: string; expectedPlaintext: string };
};

import test from 'ava';
import { checkReplayWindow, decryptForReceiver, sealForReceiver, verifySignature } from '../../../src/channels/shared/wxbiz-msg-crypt.ts';
import { RejectedRequestError } from '../../../src/errors.ts';
import { keys, vectors } from '../../support/wecom-service.ts';

test('the official URL-verification vector verifies and decrypts to the published echo', (t) => {
  const v = vectors.urlVerification;
  t.notThrows(() => verifySignature(keys, { msgSignature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }, v.echostr));
  t.is(decryptForReceiver(keys, v.echostr), v.expectedResponse);
});

test('the official message vector verifies and decrypts to the published XML', (t) => {
  const v = vectors.message;
  t.notThrows(() => verifySignature(keys, { msgSignature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }, v.encrypt));
  t.is(decryptForReceiver(keys, v.encrypt), v.expectedPlaintext);
});

test('a signature over other parameters is refused with 401', (t) => {
  const v = vectors.message;
  const err = t.throws(
    () => verifySignature(keys, { msgSignature: v.msg_signature, timestamp: String(Number(v.timestamp) + 1), nonce: v.nonce }, v.encrypt),
    {
      instanceOf: RejectedRequestError,
    },
  );
  t.is(err?.status, 401);
});

test('a message encrypted for another corp is refused', (t) => {
  const sealed = sealForReceiver({ ...keys, receiveId: 'wwSomeoneElse' }, '<xml/>', '1', '2');
  const err = t.throws(() => decryptForReceiver(keys, sealed.encrypted), { instanceOf: RejectedRequestError });
  t.is(err?.code, 'foreign_receiver');
});

test('ciphertext that is not ours is refused with 400', (t) => {
  const err = t.throws(() => decryptForReceiver(keys, Buffer.alloc(64, 7).toString('base64')), { instanceOf: RejectedRequestError });
  t.is(err?.status, 400);
});

test('timestamps outside the replay window are refused; inside it they pass', (t) => {
  const now = Date.now();
  t.notThrows(() => checkReplayWindow(String(Math.floor(now / 1000) - 299), 300, now));
  const err = t.throws(() => checkReplayWindow(String(Math.floor(now / 1000) - 301), 300, now), { instanceOf: RejectedRequestError });
  t.is(err?.code, 'stale_timestamp');
  t.is(err?.status, 403);
});

test('what sealForReceiver produces round-trips through verification and decryption', (t) => {
  const sealed = sealForReceiver(keys, '<xml><a>你好</a></xml>', '1700000000', 'n1');
  t.notThrows(() => verifySignature(keys, { msgSignature: sealed.msgSignature, timestamp: '1700000000', nonce: 'n1' }, sealed.encrypted));
  t.is(decryptForReceiver(keys, sealed.encrypted), '<xml><a>你好</a></xml>');
});

/**
 * The peer: node-webot's `wechat` middleware (npm `wechat`) in safe mode, verifying msg_signature,
 * decrypting the same encrypted callbacks and parsing them, then acknowledging with an empty 200.
 * It stores nothing and queues nothing; kefu-hub does both before its ack.
 */
import { createServer, type IncomingMessage } from 'node:http';
// @ts-expect-error the package ships no types
import wechat from 'wechat';

const config = { token: process.env.BENCH_TOKEN!, appid: process.env.BENCH_RECEIVE_ID!, encodingAESKey: process.env.BENCH_AES_KEY! };
type Middleware = (
  req: IncomingMessage & { query?: Record<string, string> },
  res: import('node:http').ServerResponse,
  next: (err?: Error) => void,
) => void;
const middleware: Middleware = wechat(config, (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200);
  res.end('');
});
const server = createServer((req, res) => {
  (req as IncomingMessage & { query?: Record<string, string> }).query = Object.fromEntries(
    new URL(req.url ?? '/', 'http://x').searchParams,
  );
  middleware(req, res, (err) => {
    res.writeHead(err ? 400 : 404);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});

import type { Server } from 'node:http';
import type Koa from 'koa';

/**
 * How long an idle keep-alive connection stays open. Node's default is 5 s, and a client that sends
 * on a connection just as the server closes it gets a reset instead of an answer. Reverse proxies
 * keep their upstream connections idle longer than that (nginx's `keepalive_timeout` and an AWS
 * load balancer's idle timeout are 60 s:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout),
 * so the server must be the side that waits longer, or they see 502s. Clients that read the
 * `Keep-Alive: timeout=` hint (undici, Node's fetch) close a second before it.
 */
const KEEP_ALIVE_MS = 65_000;

/** Listens on `port` and `host`, with idle keep-alive connections kept longer than a proxy keeps them. */
export async function listenHttp(app: Koa, port: number, host: string): Promise<Server> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // https://nodejs.org/api/http.html#serverheaderstimeout — kept above the keep-alive time, so a
  // request that starts on a connection just before it lapses still has its full time for headers.
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}

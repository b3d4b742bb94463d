import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server for a fake that shares its process with the client under test. Node closes a
 * keep-alive connection after 5 s idle by default; the client (undici) trusts the `Keep-Alive:
 * timeout=5` hint less a margin. When a loaded machine stalls the shared event loop past both, the
 * client can send on a socket the server closes at the same moment: ECONNRESET, a failure of the
 * fake's making (the real APIs sit behind load balancers that keep connections far longer). A
 * minute's idle time leaves only stalls no test survives anyway.
 */
export function createLoopbackHttpServer(listener: RequestListener): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = 60_000;
  return server;
}

/** A fake platform API on 127.0.0.1: what every fake shares — listening, routing, closing. */
export abstract class LoopbackServer {
  private server?: Server;

  protected abstract route(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** Listens on 127.0.0.1 (`port` 0 = any free port) and returns the base URL. */
  async listen(port = 0): Promise<string> {
    this.server = createLoopbackHttpServer((req, res) => {
      this.route(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers with a JSON body, as the platform APIs do (errors included: HTTP 200 with an errcode). */
  protected json(res: ServerResponse, body: unknown): void {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

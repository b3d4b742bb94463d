/**
 * `npm run simulate [-- --channel wecom|wechat-mp|wecom-kf|wecom-aibot]`: talk to kefu-hub as a customer,
 * without any platform account. Runs a fake platform API on loopback, starts a kefu-hub of its own
 * against it, sends what you type as the platform's properly signed and encrypted callbacks, and
 * prints the replies the service sends back through the fake API.
 *
 * Its own service, because one already running (`npm start` in another terminal, as the README
 * has it) knows nothing of the fake platform: it answered every callback 404. The simulator's
 * service listens on PORT when that is set and free, else on any free port, keeps its data in
 * ./data/simulator (or DATA_DIR) and its Redis keys under its own prefix. `--url` talks to a
 * service you started yourself instead, with the environment the simulator prints.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type SimulatedChannel, simulatedPlatforms } from '../src/simulator/simulated-app.ts';

const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'wecom' },
    url: { type: 'string' },
    'api-port': { type: 'string', default: '3900' },
    user: { type: 'string', default: 'simulated-customer' },
    help: { type: 'boolean', default: false },
  },
});
const channels = Object.keys(simulatedPlatforms);
if (values.help || !channels.includes(values.channel!)) {
  console.log(
    `usage: [PORT=3000] npm run simulate -- [--channel ${channels.join('|')}] [--url http://127.0.0.1:3000] [--api-port 3900] [--user NAME]`,
  );
  process.exit(values.help ? 0 : 2);
}

/** Listens on `port` (0 = any) for a moment: the port if it was free, undefined if taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address() as { port: number };
      probe.close(() => resolve(bound));
    });
  });
}

async function servicePort(): Promise<number> {
  const wanted = process.env.PORT ? Number(process.env.PORT) : undefined;
  if (wanted) {
    if (await tryPort(wanted)) return wanted;
    console.log(`port ${wanted} (PORT) is taken — by \`npm start\`, perhaps — so the simulator's kefu-hub takes a free one`);
  }
  return (await tryPort(0))!;
}

const platform = simulatedPlatforms[values.channel as SimulatedChannel]();
const env = await platform.start(Number(values['api-port']));
const serviceAnswers = (url: string) =>
  fetch(`${url}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

let child: ReturnType<typeof spawn> | undefined;
let serviceUrl: string;
if (values.url) {
  serviceUrl = values.url;
  const setting = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (!(await serviceAnswers(serviceUrl))) throw new Error(`nothing ready answers at ${serviceUrl}`);
  console.log(`using the service at ${serviceUrl}; it must have been started with:\n  ${setting}`);
} else {
  const port = await servicePort();
  serviceUrl = `http://127.0.0.1:${port}`;
  const dataDir = process.env.DATA_DIR ?? './data/simulator';
  console.log(`starting kefu-hub on port ${port} against a fake ${values.channel} API (data in ${dataDir})…`);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      // Not the queue of a service already running on the same Redis (its prefix is `kefu`).
      REDIS_PREFIX: process.env.REDIS_PREFIX ?? 'kefu-simulator',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code) => {
    console.error(`kefu-hub exited (${code})`);
    process.exit(1);
  });
  // Two minutes: a first start imports the demo knowledge base, which a busy machine makes slow.
  const deadline = Date.now() + 120_000;
  while (!(await serviceAnswers(serviceUrl))) {
    if (Date.now() > deadline) throw new Error('kefu-hub did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let streaming = false;
platform.streamTo?.((piece, finished) => {
  if (!streaming) process.stdout.write('\n客服 > ');
  streaming = !finished;
  process.stdout.write(finished ? `${piece}\n你 > ` : piece);
});
let shown = 0;
setInterval(() => {
  const replies = platform.replies();
  for (; shown < replies.length; shown++) process.stdout.write(`\n客服 > ${replies[shown]}\n你 > `);
}, 100).unref();

const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '你 > ' });
console.log(`\nYou are "${values.user}" on ${values.channel}. Type a message (Ctrl-D to quit). Try: 多久发货？ / 能开发票吗 / 转人工`);
rl.prompt();
// Lines are buffered by the iterator, so piped input is not lost while a callback is in flight.
for await (const raw of rl) {
  const line = raw.trim();
  if (line) {
    const res = await platform.say(serviceUrl, values.user!, line);
    if (res.status === 404)
      console.log(
        `(the service at ${serviceUrl} has no ${values.channel} account "default": start it with the environment above, or run without --url)`,
      );
    else if (res.status !== 200) console.log(`(the service answered ${res.status}: ${await res.text()})`);
  }
  rl.prompt();
}
// Ctrl-D (or the end of piped input): give replies in flight a moment, then stop.
await new Promise((r) => setTimeout(r, 3000));
child?.removeAllListeners('exit');
child?.kill('SIGTERM');
await platform.stop();

/**
 * `npm run simulate [-- --channel wecom|wechat-mp|wecom-kf]`: talk to kefu-hub as a customer,
 * without any platform account. Runs a fake platform API on loopback, starts the service against it
 * (unless one already answers at --url), sends what you type as the platform's properly signed and
 * encrypted callbacks, and prints the replies the service sends back through the fake API.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type SimulatedChannel, simulatedPlatforms } from '../src/simulator/simulated-app.ts';

const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'wecom' },
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    'api-port': { type: 'string', default: '3900' },
    user: { type: 'string', default: 'simulated-customer' },
    help: { type: 'boolean', default: false },
  },
});
const channels = Object.keys(simulatedPlatforms);
if (values.help || !channels.includes(values.channel!)) {
  console.log(`usage: npm run simulate -- [--channel ${channels.join('|')}] [--url http://127.0.0.1:3000] [--api-port 3900] [--user NAME]`);
  process.exit(values.help ? 0 : 2);
}

const platform = simulatedPlatforms[values.channel as SimulatedChannel]();
const env = await platform.start(Number(values['api-port']));
const serviceUrl = values.url!;
const serviceAnswers = () =>
  fetch(`${serviceUrl}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

let child: ReturnType<typeof spawn> | undefined;
if (await serviceAnswers()) {
  console.log(
    `using the service at ${serviceUrl}; it must have been started with:\n  ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
} else {
  const port = new URL(serviceUrl).port || '3000';
  console.log(`starting kefu-hub on port ${port} against a fake ${values.channel} API (data in ./data/simulator)…`);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
    env: {
      ...process.env,
      ...env,
      PORT: port,
      DATA_DIR: process.env.DATA_DIR ?? './data/simulator',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code) => {
    console.error(`kefu-hub exited (${code})`);
    process.exit(1);
  });
  for (let i = 0; !(await serviceAnswers()); i++) {
    if (i > 300) throw new Error('kefu-hub did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
    if (res.status !== 200) console.log(`(the service answered ${res.status}: ${await res.text()})`);
  }
  rl.prompt();
}
// Ctrl-D (or the end of piped input): give replies in flight a moment, then stop.
await new Promise((r) => setTimeout(r, 3000));
child?.removeAllListeners('exit');
child?.kill('SIGTERM');
await platform.stop();

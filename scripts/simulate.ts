/**
 * `npm run simulate`: talk to kefu-hub as a WeCom user, without a WeCom account.
 * Runs a fake WeCom API on loopback, starts the service against it (unless one already answers at
 * --url), sends what you type as properly encrypted callbacks and prints the replies the service
 * sends back through the fake message/send.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { FakeWecomApi } from '../src/simulator/fake-wecom-api.ts';
import { simulatedApp, simulatedAppEnv } from '../src/simulator/simulated-app.ts';
import { postCallback, sealWecomCallback, wecomTextXml } from '../src/simulator/wecom-callback.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    'api-port': { type: 'string', default: '3900' },
    user: { type: 'string', default: 'simulated-customer' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run simulate -- [--url http://127.0.0.1:3000] [--api-port 3900] [--user NAME]`);
  process.exit(0);
}

const wecom = new FakeWecomApi({ corpId: simulatedApp.corpId, secret: simulatedApp.secret, agentId: simulatedApp.agentId });
const apiBase = await wecom.listen(Number(values['api-port']));
const env = simulatedAppEnv(apiBase);
const serviceUrl = values.url!;

async function serviceAnswers(): Promise<boolean> {
  return fetch(`${serviceUrl}/readyz`).then((r) => r.ok, () => false);
}

let child: ReturnType<typeof spawn> | undefined;
if (await serviceAnswers()) {
  console.log(`using the service at ${serviceUrl}; it must have been started with:\n  ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
} else {
  const port = new URL(serviceUrl).port || '3000';
  console.log(`starting kefu-hub on port ${port} against the fake WeCom API at ${apiBase} (data in ./data/simulator)…`);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
    env: { ...process.env, ...env, PORT: port, DATA_DIR: process.env.DATA_DIR ?? './data/simulator', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
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
  for (; shown < wecom.delivered.length; shown++) process.stdout.write(`\n客服 > ${wecom.delivered[shown]!.content}\n你 > `);
}, 100).unref();

const keys = { token: simulatedApp.token, encodingAesKey: simulatedApp.encodingAesKey, receiveId: simulatedApp.corpId };
const rl = createInterface({ input: process.stdin, output: process.stdout });
console.log(`\nYou are "${values.user}" writing to the WeCom app. Type a message (Ctrl-D to quit). Try: 多久发货？ / 能开发票吗 / 转人工`);
let counter = 0;
try {
  for (;;) {
    const line = (await rl.question('你 > ')).trim();
    if (!line) continue;
    const msgId = `${Date.now()}${String(++counter).padStart(4, '0')}`;
    const callback = sealWecomCallback(keys, simulatedApp.agentId, wecomTextXml({ toCorp: simulatedApp.corpId, agentId: simulatedApp.agentId, from: values.user!, text: line, msgId }));
    const res = await postCallback(serviceUrl, '/callbacks/wecom/default', callback);
    if (res.status !== 200) console.log(`(the service answered ${res.status}: ${await res.text()})`);
  }
} catch {
  // Ctrl-D closes the prompt.
} finally {
  rl.close();
  child?.kill('SIGTERM');
  await wecom.close();
}

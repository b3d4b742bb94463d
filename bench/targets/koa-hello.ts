/** The floor: a bare Koa app that answers every POST with an empty 200. */
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.status = 200;
  ctx.body = '';
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});

// Child process: the "floor" the gateway is measured against — the least a Node proxy can do
// on the same stack (fastify + an undici keep-alive Pool): forward the body to the upstream and
// stream the answer back. No auth, no parsing, no validation; never used outside the bench.
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstreamIndex = process.argv.indexOf('--upstream');
const upstream = process.argv[upstreamIndex + 1];
if (upstreamIndex < 0 || !upstream) throw new Error('usage: floor-proxy --upstream http://127.0.0.1:PORT');

const pool = new Pool(upstream, { connections: 64, keepAliveTimeout: 4_000 });
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

app.post('/v1/chat/completions', async (request, reply) => {
  const answer = await pool.request({
    method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: request.body as Buffer,
  });
  const type = answer.headers['content-type'];
  if (typeof type === 'string') reply.header('content-type', type);
  return reply.code(answer.statusCode).send(answer.body);
});

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address && typeof address === 'object') process.stdout.write(`floor proxy listening on http://127.0.0.1:${address.port}\n`);
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => void app.close().then(() => pool.close()).then(() => process.exit(0)));

import Fastify from 'fastify';
import type { ChildMessage, ParentMessage } from './protocol.js';

/*
 * The baseline: a bare Fastify instance that echoes the posted JSON body. Run as a child process
 * like the app under test, so both get the same process layout (one server process, autocannon
 * in the parent) and the comparison measures only what the app does per request.
 */
const app = Fastify({ logger: false });
app.post('/echo', async (request) => request.body);
// The baseline of the GET benches (bench/contacts.ts): the smallest JSON answer.
app.get('/echo', async () => ({}));

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', async (message: ParentMessage) => {
  if (message.cmd === 'stats') send({ type: 'stats', counts: {}, cpuMicros: cpuMicros() });
  if (message.cmd === 'stop') {
    await app.close();
    send({ type: 'stopped' });
    process.exit(0);
  }
});

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });

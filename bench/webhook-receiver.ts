import http from 'node:http';
import type { ChildMessage, ParentMessage } from './protocol.js';

/*
 * BENCH_WEBHOOK=1 (bench/run.ts): the local receiver of the bench account's webhook deliveries,
 * in a process of its own (neither the app's nor autocannon's CPU). It answers 204 to every POST
 * and counts what it received (`stats`: counts.received).
 */
let received = 0;
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});

function send(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', (message: ParentMessage) => {
  if (message.cmd === 'stats') {
    const { user, system } = process.cpuUsage();
    send({ type: 'stats', counts: { received }, cpuMicros: user + system });
  }
  if (message.cmd === 'stop') {
    server.close();
    send({ type: 'stopped' });
    process.exit(0);
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});

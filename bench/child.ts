import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ReadyMessage, StatsMessage } from './protocol.js';

/** A forked server process and the way to talk to it. */
export interface ServerChild {
  name: string;
  ready: ReadyMessage;
  stats(): Promise<{ counts: Record<string, number>; cpuMicros: number }>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (a file next to this one, compiled: e.g. 'app-server.js') and waits for its
 * `ready` message. Extra node flags go to the child only (e.g. --cpu-prof).
 */
export async function startChild(name: string, script: string, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<ServerChild> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const ready = await nextMessage<ReadyMessage>(child, 'ready', name, 60_000);
  return {
    name,
    ready,
    async stats() {
      child.send({ cmd: 'stats' } satisfies ParentMessage);
      const { counts, cpuMicros } = await nextMessage<StatsMessage>(child, 'stats', name, 10_000);
      return { counts, cpuMicros };
    },
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ cmd: 'stop' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

function nextMessage<T extends ChildMessage>(child: ChildProcess, type: T['type'], name: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${name} server exited (code ${code}) before sending "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} server did not send "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

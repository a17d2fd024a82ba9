import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * What the benches that drive a real `openstay serve` share (imports, chat, outbox): a fresh
 * database (SQLite in a temp directory, or DATABASE_URL), the built CLI, the server as a child
 * process on a free port, and percentiles.
 */

export const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/openstay.js');
export const log = (line: string) => process.stderr.write(`${line}\n`);

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface BenchDatabase {
  /** the environment of the CLI and the server: DATABASE_URL, a SECRET_KEY for this run, `extra` */
  env: NodeJS.ProcessEnv & { DATABASE_URL: string };
  dialect: 'sqlite' | 'postgres';
  /** removes the temp directory (kept with BENCH_KEEP_DB=1) */
  remove(): void;
}

export function benchDatabase(name: string, extra: Record<string, string> = {}): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `openstay-bench-${name}-`));
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'bench.db')}`,
    // PostgreSQL requires a key; one for this run serves the CLI and the server alike.
    SECRET_KEY: process.env.SECRET_KEY ?? randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
  return {
    env,
    dialect: env.DATABASE_URL.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    remove: () => {
      if (!process.env.BENCH_KEEP_DB) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `openstay <args> --json` and returns what it printed. */
export function cliJson(env: NodeJS.ProcessEnv, ...args: string[]): any {
  const run = spawnSync(process.execPath, [bin, ...args, '--json'], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openstay ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

export interface ServerProcess {
  base: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `openstay serve` on a free port of 127.0.0.1 and resolves once /healthz answers. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROF (a directory): the server writes a CPU profile there (bench/profile-summary.ts).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  // BENCH_SERVER_NODE_ARGS: more node flags for the server (say --trace-gc); its stdout is then shown.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...prof, ...nodeArgs, bin, 'serve'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', nodeArgs.length ? 'inherit' : 'ignore', 'inherit'],
  });
  if (nodeArgs.length) log(`server started at ${Date.now()} (epoch ms) with ${nodeArgs.join(' ')}`);
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/healthz`).catch(() => undefined);
    if (up?.status === 200) break;
    // 60 s: on the shared machine a loaded start (module loading) took over 10 s
    if (i > 1200 || child.exitCode !== null) {
      await stop();
      throw new Error('the server did not start');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, port, child, stop };
}

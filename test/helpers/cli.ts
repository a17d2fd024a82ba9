import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runCli as runCliInProcess } from '../../src/cli/main.js';
import { waitUntil } from './wait.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/openstay.js');

/**
 * PostgreSQL requires SECRET_KEY: commands on a postgres:// DATABASE_URL get the tests' key unless
 * the test sets SECRET_KEY itself (an empty value unsets it). SQLite commands use the key file.
 */
function withSecretKey(env: Record<string, string>): Record<string, string> {
  if (env.SECRET_KEY !== undefined || !/^postgres/.test(env.DATABASE_URL ?? '')) return env;
  return { SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let inProcess: Promise<unknown> = Promise.resolve();

/**
 * Runs an `openstay` command line in this process (src/cli/main.ts's runCli, the code path
 * bin/openstay.js runs) with env overrides: what the command prints and its exit code, without
 * the ~300 ms of a Node start per run. spawnCli runs the real binary, for what only a process shows.
 * Runs started together go one after another, as separate processes would not need: two SQLite
 * write transactions open at once in one thread would wait on each other's lock (busy_timeout
 * blocks the thread that must finish the first).
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const run = inProcess.then(async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCliInProcess(args, {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: { ...process.env, LOG_LEVEL: 'warn', ...withSecretKey(env) },
    });
    return { code, stdout, stderr };
  });
  inProcess = run.catch(() => {});
  return run;
}

/** Runs the built `openstay` command (dist/, built by `npm test`'s pretest) with env overrides. */
export function spawnCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...withSecretKey(env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `openstay serve` on a port the system assigns (PORT=0) and resolves once it logged that
 * it serves (after which its SIGTERM handler is installed), with the address it listens on.
 */
export async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...withSecretKey(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`server exited early: ${out}`);
        return /"msg":"openstay serving"/.test(out);
      },
      { timeout: 20_000, what: () => `the server to start: ${out}` },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  // Fastify logs the address it listens on: "Server listening at http://127.0.0.1:<port>".
  const baseUrl = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  if (!baseUrl) {
    child.kill('SIGKILL');
    throw new Error(`no listening address in the server's log: ${out}`);
  }
  return { child, baseUrl, output: () => out };
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

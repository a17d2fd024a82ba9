import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
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

/** Runs the built `openstay` command (dist/, built by `npm test`'s pretest) with env overrides. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
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

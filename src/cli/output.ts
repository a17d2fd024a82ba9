import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Where one run of the CLI writes: stdout for results, stderr for errors and progress. */
export interface CliStream {
  write(chunk: string): unknown;
  /** true on a terminal: progress is redrawn in place */
  isTTY?: boolean;
}

export interface CliOutput {
  stdout: CliStream;
  stderr: CliStream;
}

const current = new AsyncLocalStorage<CliOutput>();
let routed = false;

/**
 * Runs `fn` with console.log/info/warn/error going to `output`. The commands print with console.*
 * as any CLI does; this lets the same commands run in-process (the tests run many in one process,
 * some at the same time) without each call site naming its streams. Outside a run, console
 * behaves as before.
 */
export function withCliOutput<T>(output: CliOutput, fn: () => Promise<T>): Promise<T> {
  // The real binary writes to the process's own streams: nothing to route, and no store either. A
  // store once used makes Node run promise hooks on every promise for the rest of the process, which
  // `openstay serve` would pay on every request (allocations that keep its garbage collector busy).
  if (output.stdout === process.stdout && output.stderr === process.stderr) return fn();
  routeConsole();
  return current.run(output, fn);
}

/** The stderr of the run under way (process.stderr outside one), for progress written in place. */
export function cliStderr(): CliStream {
  return current.getStore()?.stderr ?? process.stderr;
}

function routeConsole(): void {
  if (routed) return;
  routed = true;
  const route = (stream: 'stdout' | 'stderr', original: (...args: unknown[]) => void) =>
    function (this: Console, ...args: unknown[]) {
      const output = current.getStore();
      if (output) output[stream].write(`${format(...args)}\n`);
      else original.apply(this, args);
    };
  console.log = route('stdout', console.log);
  console.info = route('stdout', console.info);
  console.warn = route('stderr', console.warn);
  console.error = route('stderr', console.error);
}

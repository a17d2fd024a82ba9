#!/usr/bin/env node
// Entry point of the `openstay` command; the compiled CLI lives in dist/ (built by `npm ci`).
import('../dist/src/cli/main.js')
  .then(({ runCli }) => runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }))
  .then(
    (code) => {
      // -1: `serve` keeps running until a signal.
      if (code >= 0) process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );

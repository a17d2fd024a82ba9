#!/usr/bin/env node
// Entry point of the `openstay` command; the compiled CLI lives in dist/ (built by `npm ci`).
import('../dist/src/cli/main.js').catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

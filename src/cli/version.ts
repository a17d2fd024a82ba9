import fs from 'node:fs';
import path from 'node:path';

/**
 * The version in openstay's package.json, found by walking up from this file: the compiled CLI
 * (dist/src/cli) and the sources (src/cli) sit at different depths below it.
 */
export function openstayVersion(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'openstay' && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error('package.json of openstay not found above the CLI');
  }
}

import { ConfigError } from './config.js';

/**
 * Reads `.env` from the working directory into process.env when there is one (Node 20's
 * `--env-file` fails on a missing file, hence this). A variable already set in the environment
 * wins over the file. A file that exists but cannot be read or parsed is a configuration error.
 */
export function loadEnvFile(file = '.env'): boolean {
  try {
    process.loadEnvFile(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

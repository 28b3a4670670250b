import { ConfigError, loadConfig, type Config } from '../../src/common/config.ts';

/** The settings, or exit 2 with the message naming the bad variable (no stack trace for a user's typo). */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`rafiki: ${error.message}`);
    process.exit(2);
  }
}

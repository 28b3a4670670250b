/** What the CLI's exit codes mean, for scripts that call it. */
export const EXIT = {
  /** The command did what was asked. */
  OK: 0,
  /** The command ran and failed (a failed check, a server's error); the reason is printed. */
  FAILED: 1,
  /** The command was called wrongly (missing or bad arguments); the usage is printed. */
  USAGE: 2,
} as const;

/** Ends a command with an exit code once its reason has been printed. */
export class CliExit extends Error {
  constructor(readonly code: (typeof EXIT)[keyof typeof EXIT]) {
    super(`exit ${code}`);
  }
}

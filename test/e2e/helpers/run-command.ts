import { execFile } from 'node:child_process';

/** What a finished command printed, and how it exited. */
export interface CommandResult {
  /** The exit code; `null` when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown by {@link runCommand} with `check: true` when a command exits non-zero; carries what it printed. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  readonly command: string;
  readonly result: CommandResult;
  constructor(command: string, result: CommandResult) {
    super(`${command} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    this.command = command;
    this.result = result;
  }
}

/**
 * Runs a program to completion (no shell) and returns its output. With `check`, a non-zero exit throws a
 * {@link CommandFailedError} that shows the output.
 *
 * @example
 * ```ts
 * const { stdout } = await runCommand('npm', ['pack', '--json'], { cwd, check: true });
 * ```
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly check?: boolean; readonly env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        if (error !== null && code === null && error.signal === null) {
          reject(error); // not started at all (ENOENT, …)
          return;
        }
        const result = { code, stdout, stderr };
        if (options.check === true && code !== 0) reject(new CommandFailedError([file, ...args].join(' '), result));
        else resolve(result);
      },
    );
  });
}

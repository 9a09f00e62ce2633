import { hostname, userInfo } from 'node:os';

/**
 * Who runs a redrive, for its recorded state: `user@host` (the OS user, else `$USER` / `$USERNAME`, else
 * `unknown`).
 *
 * @example
 * ```ts
 * redriveActor(); // 'alice@laptop'
 * ```
 */
export function redriveActor(): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers).
  }
  user ||= process.env.USER || process.env.USERNAME || 'unknown';
  let host = '';
  try {
    host = hostname();
  } catch {
    // Leave the host out.
  }
  return host === '' ? user : `${user}@${host}`;
}

/**
 * A command line as it would be typed: arguments with spaces or shell characters single-quoted.
 *
 * @example
 * ```ts
 * commandLine(['shardflow', 'destinations', 'redrive', 'clicks', '--all']); // 'shardflow destinations redrive clicks --all'
 * ```
 */
export function commandLine(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}

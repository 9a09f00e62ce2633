// The `shardflow` command as bin/shardflow.js runs it. The program (main.ts) is imported here rather than
// statically: its modules import shardflow's optional tooling (commander, the emulators, tsx), and a package of
// it that is not installed must end like every other error a command reports — as one line (the
// MissingToolError naming the package and its install command) and exit code 2.
import { describeCliError, exitCodeOf } from './errors.js';

try {
  await import('./main.js');
} catch (error) {
  process.stderr.write(`${describeCliError(error)}\n`);
  process.exitCode = exitCodeOf(error);
}

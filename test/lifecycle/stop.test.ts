import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The local stack as a newcomer's script or a process manager runs it: `npm start` as a child,
 * then a signal to one of its processes. Whatever is signalled, every process of the stack (npm,
 * node, DynamoDB Local's JVM) must be gone within seconds and its ports closed.
 */

interface RunningStack {
  npm: ChildProcess;
  apiPort: number;
  dynamoPort: number;
  output: () => string;
}

const started: RunningStack[] = [];

async function startStack(): Promise<RunningStack> {
  const npm = spawn('npm', ['start', '--', '--in-memory'], {
    env: { ...process.env, PORT: '0', SANDBOX_PORT: '0', ISSUER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stack: RunningStack = { npm, apiPort: 0, dynamoPort: 0, output: () => output };
  started.push(stack);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const api = /API\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    const dynamo = /DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    if (api?.[1] && dynamo?.[1]) {
      stack.apiPort = Number(api[1]);
      stack.dynamoPort = Number(dynamo[1]);
      return stack;
    }
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start printed no banner within 90 s:\n${output}`);
}

/** Every descendant of `root` (pid → command line), read from ps. */
function descendants(root: number): Map<number, string> {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }));
  const found = new Map<number, string>();
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const row of table) {
      if (row.ppid === parent && !found.has(row.pid)) {
        found.set(row.pid, row.args);
        queue.push(row.pid);
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function expectAllGone(stack: RunningStack, processes: Map<number, string>): Promise<void> {
  const pids = [stack.npm.pid as number, ...processes.keys()];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && pids.some(isAlive)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const left = pids.filter(isAlive).map((pid) => `${pid} ${processes.get(pid) ?? 'npm'}`);
  expect(left, stack.output()).toEqual([]);
  expect(await portOpen(stack.apiPort)).toBe(false);
  expect(await portOpen(stack.dynamoPort)).toBe(false);
}

function pick(processes: Map<number, string>, pattern: RegExp): number {
  const entry = [...processes].find(([, args]) => pattern.test(args));
  if (!entry) throw new Error(`no process matching ${pattern} in ${JSON.stringify([...processes])}`);
  return entry[0];
}

const NODE = /node .*local\/start\.ts/;
const JVM = /DynamoDBLocal\.jar/;

afterEach(() => {
  // Never leak a stack from a failed case into the next one.
  for (const stack of started.splice(0)) {
    for (const pid of descendants(stack.npm.pid as number).keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    stack.npm.kill('SIGKILL');
  }
});

describe('the local stack stops cleanly', () => {
  const cases: [string, NodeJS.Signals, 'npm' | RegExp][] = [
    ['SIGINT to npm', 'SIGINT', 'npm'],
    ['SIGTERM to npm', 'SIGTERM', 'npm'],
    ['npm killed outright (the parent dying)', 'SIGKILL', 'npm'],
    ['SIGTERM to node', 'SIGTERM', NODE],
    ['node killed outright', 'SIGKILL', NODE],
    ["SIGTERM to DynamoDB Local's JVM", 'SIGTERM', JVM],
  ];
  it.each(cases)('on %s', async (_name, signal, target) => {
    const stack = await startStack();
    const processes = descendants(stack.npm.pid as number);
    expect([...processes.values()].some((args) => JVM.test(args))).toBe(true);
    const pid = target === 'npm' ? (stack.npm.pid as number) : pick(processes, target);
    process.kill(pid, signal);
    await expectAllGone(stack, processes);
  });
});

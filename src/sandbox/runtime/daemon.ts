/**
 * The live runtime's process: `node dist/sandbox/runtime/daemon.js SANDBOX_DIR --pace
 * compressed|aws [--replication-lag-ms N]`, started detached by `dr sandbox up` (./start.ts)
 * with its stdout and stderr appended to `.dr/runtime.log`. It runs the deployed platform
 * (./runtime.ts) against the sandbox recorded in SANDBOX_DIR/.dr/sandbox.json until it is
 * told to stop, and answers on a control endpoint (`http://127.0.0.1:PORT`, loopback only,
 * listening before the runtime starts: the emulator is given its `/rds` as it starts):
 *
 * - `GET /status`: the RuntimeStatus (./contract.ts), 200 (503 while starting);
 * - `POST /stop`: stops everything it started (PostgreSQL included), answers 200
 *   `{"stopped":true,"ms":…}` once it has, then exits 0;
 * - `POST /rds`: the emulator's database hook (Aurora's writer moves, a re-sync: see
 *   ./replication-link.ts): 200 with what was done, 400 for a call that is not an
 *   event, 500 with the error when the databases could not do it.
 *
 * SIGTERM and SIGINT stop it the same way; so does its emulator going away (checked every
 * 2 s). The database servers it runs are written to `.dr/runtime-databases.json` whenever
 * one starts or stops (a switchover restarts one) and the file is removed after they
 * stopped: a runtime killed with SIGKILL leaves the record, and the next `up` or `down`
 * stops what it names.
 *
 * Its starter learns the outcome over the IPC channel it opens (`{ready: RuntimeRecord}`
 * or `{failed: message}`); the channel is closed then, so the runtime outlives `up`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  processAlive,
  readSandboxState,
  rootCredentialsOf,
  RUNTIME_DATABASES_FILE,
  RUNTIME_LOG_FILE,
} from '../state.js';
import { listenOnLoopback } from '../loopback.js';
import type { RuntimeRecord } from './contract.js';
import { DEFAULT_SHIPPING_DELAY_MS } from './database.js';
import { paceOf, type Pace } from './pace.js';
import { HookRequestError } from './replication-link.js';
import type { SandboxRuntime } from './runtime.js';

/** What the runtime tells its starter over IPC. */
export type RuntimeMessage = { readonly ready: RuntimeRecord } | { readonly failed: string };

const EMULATOR_CHECK_MS = 2000;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function parseArgs(argv: readonly string[]): { dir: string; pace: Pace; shippingDelayMs: number } {
  const [dir, ...rest] = argv;
  if (!dir) throw new Error('usage: daemon.js SANDBOX_DIR [--pace compressed|aws] [--replication-lag-ms N]');
  const value = (flag: string) => {
    const at = rest.indexOf(flag);
    return at >= 0 ? (rest[at + 1] ?? '') : undefined;
  };
  const lag = value('--replication-lag-ms');
  const shippingDelayMs = lag === undefined ? DEFAULT_SHIPPING_DELAY_MS : Number(lag);
  if (!Number.isInteger(shippingDelayMs) || shippingDelayMs < 0) {
    throw new Error(`--replication-lag-ms must be a whole number of ms ≥ 0, got ${JSON.stringify(lag)}`);
  }
  return { dir: resolve(dir), pace: paceOf(value('--pace') ?? 'compressed'), shippingDelayMs };
}

function tell(message: RuntimeMessage): void {
  if (!process.send) return;
  process.send(message, undefined, {}, () => process.disconnect?.());
}

async function main(): Promise<void> {
  const { dir, pace, shippingDelayMs } = parseArgs(process.argv.slice(2));
  log(
    `runtime starting (pid ${process.pid}, pace ${pace.name} ×${pace.factor}, WAL shipped ${shippingDelayMs} ms late) for the sandbox in ${dir}`,
  );
  const state = await readSandboxState(dir);
  if (!state) throw new Error(`no sandbox is recorded in ${join(dir, '.dr', 'sandbox.json')}`);
  const [{ loadConfig }, { SandboxRuntime }] = await Promise.all([
    import('../../config/load.js'),
    import('./runtime.js'),
  ]);
  const { config } = await loadConfig(state.configFile);
  const databasesFile = join(dir, RUNTIME_DATABASES_FILE);
  let recording = true;
  // Synchronously: records written in the order the servers changed.
  const record = (processes: readonly unknown[]) => {
    if (recording) writeFileSync(databasesFile, JSON.stringify(processes), { mode: 0o600 });
  };
  // Set once started (the control endpoint and `stop` are made before).
  const running: { runtime?: SandboxRuntime; watch?: NodeJS.Timeout } = {};
  let stopping: Promise<void> | undefined;
  const stop = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      const at = Date.now();
      log(`stopping (${why})`);
      clearInterval(running.watch);
      await running.runtime?.stop();
      recording = false;
      await rm(databasesFile, { force: true });
      log(`stopped in ${Date.now() - at} ms`);
    })());
  const stopAndExit = (why: string) => {
    void stop(why).finally(() => {
      server.close();
      server.closeAllConnections();
      process.exit(0);
    });
  };
  // Listening first: the runtime gives the emulator its `/rds` as it starts.
  const server = await control(
    () => running.runtime,
    stop,
    () => stopAndExit('POST /stop'),
  );
  const controlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const runtime = await SandboxRuntime.start({
    endpoint: state.endpoint,
    credentials: rootCredentialsOf(state),
    config,
    pace,
    shippingDelayMs,
    databaseHook: `${controlUrl}/rds`,
    log,
    onDatabases: record,
  }).catch(async (error: unknown) => {
    // A failed start stopped what it had started, the servers included.
    recording = false;
    await rm(databasesFile, { force: true });
    server.close();
    throw error;
  });
  running.runtime = runtime;

  running.watch = setInterval(() => {
    if (!processAlive(state.pid)) stopAndExit(`the emulator (pid ${state.pid}) is gone`);
  }, EMULATOR_CHECK_MS);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stopAndExit(signal));
  process.on('SIGHUP', () => {});

  const ready: RuntimeRecord = {
    pid: process.pid,
    control: controlUrl,
    ...runtime.endpoints(),
    pace,
    startedAt: new Date().toISOString(),
    logFile: join(dir, RUNTIME_LOG_FILE),
  };
  log(`ready: ${JSON.stringify(ready)}`);
  tell({ ready });
}

/** A request's body as JSON (a hook call is small: at most 64 KiB). */
async function jsonBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += (chunk as Buffer).toString();
    if (text.length > 65_536) throw new HookRequestError('the body is larger than 64 KiB');
  }
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    throw new HookRequestError(`the body is not JSON: ${text.slice(0, 100)}`);
  }
}

/**
 * The control endpoint: `GET /status`, `POST /stop` (answered once stopped; then `exit`),
 * `POST /rds` (the emulator's database hook). It listens before the runtime has started
 * (`runtime()` undefined): until then it answers 503.
 */
async function control(
  runtime: () => SandboxRuntime | undefined,
  stop: (why: string) => Promise<void>,
  exit: () => void,
): Promise<Server> {
  const started = Date.now();
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    };
    const path = new URL(request.url ?? '/', 'http://runtime.local').pathname;
    const running = runtime();
    if (path === '/rds' && request.method === 'POST') {
      if (!running) {
        request.resume();
        answer(503, { error: 'the sandbox runtime is starting: its databases take no writer moves yet' });
        return;
      }
      jsonBody(request)
        .then((event) => running.databaseHook(event))
        .then(
          (done) => answer(200, done),
          (error: Error) => answer(error instanceof HookRequestError ? 400 : 500, { error: error.message }),
        );
      return;
    }
    request.resume();
    if (!running) {
      answer(503, { error: 'the sandbox runtime is starting', upMs: Date.now() - started });
      return;
    }
    if (path === '/status' && request.method === 'GET') {
      running.status().then(
        (status) => answer(200, status),
        (error: Error) => answer(500, { error: error.message }),
      );
      return;
    }
    if (path === '/stop' && request.method === 'POST') {
      const asked = Date.now();
      stop('POST /stop').then(
        () => {
          response.once('finish', exit);
          answer(200, { stopped: true, ms: Date.now() - asked });
        },
        (error: Error) => answer(500, { error: error.message }),
      );
      return;
    }
    answer(404, {
      error: `no ${request.method} ${path}: GET /status, POST /stop, POST /rds`,
      upMs: Date.now() - started,
    });
  });
  await listenOnLoopback(server);
  return server;
}

process.on('uncaughtException', (error) => {
  log(`uncaught: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
main().catch((error: unknown) => {
  const message = (error as Error).message ?? String(error);
  log(`failed: ${(error as Error).stack ?? message}`);
  tell({ failed: message.split('\n')[0] ?? message });
  process.exitCode = 1;
  // The IPC channel and any handle left would keep the process; nothing of the runtime runs.
  setTimeout(() => process.exit(1), 500).unref();
});

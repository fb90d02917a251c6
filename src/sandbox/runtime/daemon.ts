/**
 * The live runtime's process: `node dist/sandbox/runtime/daemon.js SANDBOX_DIR --pace
 * compressed|aws`, started detached by `dr sandbox up` (./start.ts) with its stdout and
 * stderr appended to `.dr/runtime.log`. It runs the deployed platform (./runtime.ts)
 * against the sandbox recorded in SANDBOX_DIR/.dr/sandbox.json until it is told to stop,
 * and answers on a control endpoint (`http://127.0.0.1:PORT`, loopback only):
 *
 * - `GET /status`: the RuntimeStatus (./contract.ts), 200;
 * - `POST /stop`: stops everything it started (PostgreSQL included), answers 200
 *   `{"stopped":true,"ms":…}` once it has, then exits 0.
 *
 * SIGTERM and SIGINT stop it the same way; so does its emulator going away (checked every
 * 2 s). The database servers it starts are written to `.dr/runtime-databases.json` as soon
 * as they run and the file is removed after they stopped: a runtime killed with SIGKILL
 * leaves the record, and the next `up` or `down` stops what it names.
 *
 * Its starter learns the outcome over the IPC channel it opens (`{ready: RuntimeRecord}`
 * or `{failed: message}`); the channel is closed then, so the runtime outlives `up`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  processAlive,
  readSandboxState,
  rootCredentialsOf,
  RUNTIME_DATABASES_FILE,
  RUNTIME_LOG_FILE,
} from '../state.js';
import type { RuntimeRecord } from './contract.js';
import { paceOf, type Pace } from './pace.js';
import type { SandboxRuntime } from './runtime.js';

/** What the runtime tells its starter over IPC. */
export type RuntimeMessage = { readonly ready: RuntimeRecord } | { readonly failed: string };

const EMULATOR_CHECK_MS = 2000;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function parseArgs(argv: readonly string[]): { dir: string; pace: Pace } {
  const [dir, ...rest] = argv;
  if (!dir) throw new Error('usage: daemon.js SANDBOX_DIR [--pace compressed|aws]');
  const at = rest.indexOf('--pace');
  return { dir: resolve(dir), pace: paceOf(at >= 0 ? (rest[at + 1] ?? '') : 'compressed') };
}

function tell(message: RuntimeMessage): void {
  if (!process.send) return;
  process.send(message, undefined, {}, () => process.disconnect?.());
}

async function main(): Promise<void> {
  const { dir, pace } = parseArgs(process.argv.slice(2));
  log(`runtime starting (pid ${process.pid}, pace ${pace.name} ×${pace.factor}) for the sandbox in ${dir}`);
  const state = await readSandboxState(dir);
  if (!state) throw new Error(`no sandbox is recorded in ${join(dir, '.dr', 'sandbox.json')}`);
  const [{ loadConfig }, { SandboxRuntime }] = await Promise.all([
    import('../../config/load.js'),
    import('./runtime.js'),
  ]);
  const { config } = await loadConfig(state.configFile);
  const databasesFile = join(dir, RUNTIME_DATABASES_FILE);
  const runtime = await SandboxRuntime.start({
    endpoint: state.endpoint,
    credentials: rootCredentialsOf(state),
    config,
    pace,
    log,
    onDatabases: (processes) => writeFile(databasesFile, JSON.stringify(processes), { mode: 0o600 }),
  }).catch(async (error: unknown) => {
    // A failed start stopped what it had started, the servers included.
    await rm(databasesFile, { force: true });
    throw error;
  });

  let stopping: Promise<void> | undefined;
  const stop = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      const started = Date.now();
      log(`stopping (${why})`);
      clearInterval(watch);
      await runtime.stop();
      await rm(databasesFile, { force: true });
      log(`stopped in ${Date.now() - started} ms`);
    })());
  const stopAndExit = (why: string) => {
    void stop(why).finally(() => {
      server.close();
      server.closeAllConnections();
      process.exit(0);
    });
  };

  // (Used by stopAndExit only once it has been made.)
  const server = await control(runtime, stop, () => stopAndExit('POST /stop'));
  const watch = setInterval(() => {
    if (!processAlive(state.pid)) stopAndExit(`the emulator (pid ${state.pid}) is gone`);
  }, EMULATOR_CHECK_MS);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stopAndExit(signal));
  process.on('SIGHUP', () => {});

  const record: RuntimeRecord = {
    pid: process.pid,
    control: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...runtime.endpoints(),
    pace,
    startedAt: new Date().toISOString(),
    logFile: join(dir, RUNTIME_LOG_FILE),
  };
  log(`ready: ${JSON.stringify(record)}`);
  tell({ ready: record });
}

/** The control endpoint: `GET /status`, `POST /stop` (answered once stopped; then `exit`). */
async function control(
  runtime: SandboxRuntime,
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
    request.resume();
    if (path === '/status' && request.method === 'GET') {
      runtime.status().then(
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
      error: `no ${request.method} ${path}: GET /status, POST /stop`,
      upMs: Date.now() - started,
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
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

/**
 * The local AWS emulator: moto in server mode with the DR extension
 * (test/emulator/server.py), on loopback, for tests and `dr sandbox`.
 *
 * `startEmulator()` makes sure the pinned emulator is installed in the project's `.venv`
 * (scripts/install-emulator.sh), starts it on a free port, waits until it answers,
 * switches Step Functions execution on and returns its endpoint and pid. With
 * `detached: true` the emulator outlives the calling process (for `dr sandbox up`), and
 * `stopEmulator(pid)` ends it later (for `dr sandbox down`).
 *
 * The helpers below drive the extension's unsigned control endpoint (`/dr-emulator/*`):
 * region outages, forced Route 53 health-check status, timing knobs, and moto's reset.
 * Like every core module this one neither prints nor exits: it throws typed errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import type { AwsClients } from '../aws/clients.js';
import type { StaticCredentials } from '../aws/sdk-config.js';
import { FailedError, NotInstalledError } from '../contract/errors.js';
import type { Naming } from '../contract/naming.js';
import { freePort } from './loopback.js';

/** `refuse`: the connection is reset at once. `hang`: no answer until restored. */
export type OutageMode = 'refuse' | 'hang';
export type HealthCheckStatus = 'Success' | 'Failure';

// Where the emulator's callers (and tests) have always found it.
export { freePort };

export const INSTALL_COMMAND = 'bash scripts/install-emulator.sh';

/** The emulator is not installed and could not be installed. */
export class EmulatorNotInstalledError extends NotInstalledError {
  override readonly name = 'EmulatorNotInstalledError';
}

/** The emulator process exited, or did not answer in time. */
export class EmulatorStartError extends FailedError {
  override readonly name = 'EmulatorStartError';
  constructor(
    message: string,
    /** The last lines the emulator wrote, for the error report. */
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A control-endpoint call failed (no answer, or an error status). */
export class EmulatorControlError extends FailedError {
  override readonly name = 'EmulatorControlError';
  constructor(
    message: string,
    options?: {
      cause?: unknown;
      /** The HTTP status the emulator answered; undefined when it did not answer. */
      status?: number;
    },
  ) {
    super(message, options);
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

export interface EmulatorOptions {
  /** Address to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Python interpreter with moto installed. @default `<root>/.venv/bin/python`, installed when missing */
  readonly python?: string;
  /** Project root (holds scripts/ and test/emulator/). @default the root of this checkout */
  readonly root?: string;
  /** Run scripts/install-emulator.sh first (idempotent, quick when installed). @default true unless `python` is given */
  readonly install?: boolean;
  /**
   * Directory for the emulator's log (`emulator.log`). A detached emulator always
   * writes one (default `<root>/.dr`); an attached one keeps only its last lines in memory.
   */
  readonly stateDir?: string;
  /** Outlive this process: own session, no pipes, not waited for. @default false */
  readonly detached?: boolean;
  /**
   * The emulated account's root user: the only key pair it accepts besides the IAM users'
   * keys and STS sessions it issues itself. @default - a new random pair
   */
  readonly rootCredentials?: RootCredentials;
  /** Regions down from the start. */
  readonly outage?: Readonly<Record<string, OutageMode>>;
  /** How long to wait for the first answer. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** An access key of the emulated account's root user (an administrator, like AWS's): no session token. */
export type RootCredentials = Pick<StaticCredentials, 'accessKeyId' | 'secretAccessKey'>;

/** A new root key pair, shaped like AWS's (`AKIA` + 16, a 40-character secret). */
export function newRootCredentials(): RootCredentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** The account's root key pair: every request must be signed by a key the emulator knows. */
  readonly rootCredentials: RootCredentials;
  readonly pid: number;
  readonly port: number;
  /** The emulator's log file, when it writes one. */
  readonly logFile?: string;
  /** Ends the emulator (SIGTERM, SIGKILL after 5 s) and waits until it is gone. */
  stop(): Promise<void>;
}

const SERVER_SCRIPT = join('test', 'emulator', 'server.py');
const INSTALL_SCRIPT = join('scripts', 'install-emulator.sh');
const CONTROL_TIMEOUT_MS = 5000;
/** A snapshot or restore copies every resource the platform has: seconds on a busy machine. */
const SNAPSHOT_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5000;

/** The checkout this module belongs to: two levels above src/sandbox or dist/sandbox. */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Installs the emulator into `<root>/.venv` when needed (quick when it already is) and
 * returns its python. Asynchronous: a first install downloads moto for about half a minute.
 */
export async function ensureEmulatorInstalled(root = projectRoot()): Promise<string> {
  const script = join(root, INSTALL_SCRIPT);
  const python = join(root, '.venv', 'bin', 'python');
  if (!existsSync(script) || !existsSync(join(root, SERVER_SCRIPT))) {
    throw new EmulatorNotInstalledError(
      `the AWS emulator is not part of ${root} (no ${INSTALL_SCRIPT} or ${SERVER_SCRIPT}): run dr from a checkout of the repository`,
    );
  }
  const result = await new Promise<{ code: number | null; stderr: string; error?: Error }>((resolveRun) => {
    const child = spawn('bash', [script], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 10 * 60_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', (error) => resolveRun({ code: null, stderr, error }));
    child.once('close', (code) => resolveRun({ code, stderr }));
  });
  if (result.error || result.code !== 0 || !existsSync(python)) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
    throw new EmulatorNotInstalledError(
      `the AWS emulator could not be installed: run \`${INSTALL_COMMAND}\` (needs python3 with venv; Debian: apt-get install -y python3-venv)` +
        (detail ? `: ${detail}` : ''),
      { cause: result.error },
    );
  }
  return python;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const root = options.root ?? projectRoot();
  const host = options.host ?? '127.0.0.1';
  const install = options.install ?? options.python === undefined;
  const python = install
    ? await ensureEmulatorInstalled(root)
    : (options.python ?? join(root, '.venv', 'bin', 'python'));
  if (!existsSync(python) && options.python === undefined) {
    throw new EmulatorNotInstalledError(`the AWS emulator is not installed: run \`${INSTALL_COMMAND}\``);
  }
  // A free port can be taken between the probe and the bind: try a few.
  const attempts = options.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const port = options.port || (await freePort(host));
    try {
      return await launch({
        ...options,
        root,
        host,
        python,
        port,
        rootCredentials: options.rootCredentials ?? newRootCredentials(),
      });
    } catch (error) {
      lastError = error;
      if (!(error instanceof EmulatorStartError) || !/address already in use/i.test(error.output))
        throw error;
    }
  }
  throw lastError;
}

interface LaunchPlan extends EmulatorOptions {
  readonly rootCredentials: RootCredentials;
  readonly root: string;
  readonly host: string;
  readonly python: string;
  readonly port: number;
}

async function launch(plan: LaunchPlan): Promise<RunningEmulator> {
  const endpoint = `http://${plan.host.includes(':') ? `[${plan.host}]` : plan.host}:${plan.port}`;
  const logDir = plan.stateDir ?? (plan.detached ? join(plan.root, '.dr') : undefined);
  const logFile = logDir ? join(logDir, 'emulator.log') : undefined;
  let logFd: number | undefined;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    logFd = openSync(logFile, 'a');
  }
  const tail: string[] = [];
  let child: ChildProcess;
  try {
    child = spawn(plan.python, [join(plan.root, SERVER_SCRIPT), plan.host, String(plan.port)], {
      cwd: plan.root,
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        // dr_emulator/auth.py: requests are authenticated and authorized as on AWS.
        DR_EMULATOR_ROOT_CREDENTIALS: `${plan.rootCredentials.accessKeyId}:${plan.rootCredentials.secretAccessKey}`,
      },
      detached: plan.detached ?? false,
      stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const output = () => (logFile ? readTail(logFile) : tail.join('\n'));

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited ??= { code: null, signal: null };
      resolveExit();
    });
  });
  const pid = child.pid;
  const stop = async () => {
    if (pid !== undefined && !exited) await stopEmulator(pid, { exited: exit });
  };

  try {
    const deadline = Date.now() + (plan.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (exited || pid === undefined) {
        throw new EmulatorStartError(
          `the AWS emulator exited before it answered (${spawnError?.message ?? `code ${exited?.code ?? '?'}${exited?.signal ? `, ${exited.signal}` : ''}`})`,
          output(),
          { cause: spawnError },
        );
      }
      if (await answers(endpoint)) break;
      if (Date.now() > deadline) {
        throw new EmulatorStartError(
          `the AWS emulator did not answer at ${endpoint} within ${plan.readyTimeoutMs ?? 30_000} ms`,
          output(),
        );
      }
      await delay(100);
    }
    await control(endpoint, 'POST', '/moto-api/config', { stepfunctions: { execute_state_machine: true } });
    for (const [region, mode] of Object.entries(plan.outage ?? {})) await setOutage(endpoint, region, mode);
  } catch (error) {
    await stop();
    throw error;
  }

  if (plan.detached) {
    child.unref();
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  return {
    endpoint,
    pid,
    port: plan.port,
    rootCredentials: plan.rootCredentials,
    ...(logFile ? { logFile } : {}),
    stop,
  };
}

/**
 * Ends an emulator by pid (also one started detached by another process): SIGTERM,
 * then SIGKILL after a grace period; resolves once it is gone. A pid that is no longer
 * an emulator (`/proc/PID/cmdline` without test/emulator/server.py) is left alone.
 */
export async function stopEmulator(
  pid: number,
  options: { graceMs?: number; exited?: Promise<void> } = {},
): Promise<void> {
  if (!alive(pid) || !isEmulatorProcess(pid)) return;
  const grace = options.graceMs ?? STOP_GRACE_MS;
  signal(pid, 'SIGTERM');
  if (await goneWithin(pid, grace, options.exited)) return;
  signal(pid, 'SIGKILL');
  await goneWithin(pid, grace, options.exited);
}

// --- the control endpoint ----------------------------------------------------------

/** Marks a region down: every request signed for it is refused or held. */
export async function setOutage(
  endpoint: string,
  region: string,
  mode: OutageMode = 'refuse',
): Promise<Outages> {
  return (await control(endpoint, 'POST', '/dr-emulator/outage', { region, mode })) as Outages;
}

/** Ends a region's outage; without a region, every outage. */
export async function restoreRegion(endpoint: string, region?: string): Promise<Outages> {
  return (await control(endpoint, 'POST', '/dr-emulator/restore', region ? { region } : {})) as Outages;
}

export interface Outages {
  readonly outages: Readonly<Record<string, OutageMode>>;
}

export async function listOutages(endpoint: string): Promise<Outages> {
  return (await control(endpoint, 'GET', '/dr-emulator/outages')) as Outages;
}

/** Forces what GetHealthCheckStatus reports for a health check; `null` goes back to moto's (healthy). */
export async function setHealthCheckStatus(
  endpoint: string,
  healthCheckId: string,
  status: HealthCheckStatus | null,
): Promise<void> {
  await control(endpoint, 'POST', '/dr-emulator/health-check', { id: healthCheckId, status });
}

export interface EmulatorTiming {
  /** Seconds a global-cluster switchover/failover spends switching. @default 0 */
  readonly switchoverSeconds?: number;
  /** Seconds before DynamoDB items and S3 objects reach the other region. @default 0 */
  readonly replicationDelaySeconds?: number;
  /**
   * `AuroraGlobalDBReplicationLag` (ms) the emulator publishes every few seconds for each
   * reader member of a global cluster, as Aurora does; `null` publishes nothing (moto's
   * behaviour). @default null
   */
  readonly replicationLagMs?: number | null;
  /**
   * Where the sandbox's databases take writer moves and re-syncs (`http://127.0.0.1:PORT/…`,
   * test/emulator/dr_emulator/dbhook.py): the emulator moves Aurora's writer only after
   * that URL answered. `null`: no databases to move. @default null
   */
  readonly databaseHook?: string | null;
  /** Seconds after an old primary's region answers again before its re-sync starts. @default 0 */
  readonly resyncDelaySeconds?: number;
}

export async function configureEmulator(
  endpoint: string,
  timing: EmulatorTiming,
): Promise<Required<EmulatorTiming>> {
  return (await control(endpoint, 'POST', '/dr-emulator/config', timing)) as Required<EmulatorTiming>;
}

/**
 * Maps a DB cluster to a PostgreSQL: RDS Data API `ExecuteStatement` for `clusterArn`
 * (a direct call, or a Step Functions `aws-sdk:rdsdata:executeStatement` task) then runs
 * its SQL there, autocommitted, read-only while the cluster is a global-cluster member
 * that is not the writer. `url` is `postgresql://user:password@host:port/database`;
 * `null` removes the mapping (moto's canned answers again). A reset forgets every mapping.
 */
export async function mapDataApi(endpoint: string, clusterArn: string, url: string | null): Promise<void> {
  await control(endpoint, 'POST', '/dr-emulator/rds-data', { clusterArn, url });
}

/** The ARN of the sandbox's Aurora member cluster in `region`, the one `mapDataApi` maps. */
export async function sandboxClusterArn(
  clients: AwsClients,
  naming: Naming,
  region: string,
): Promise<string> {
  const out = await clients.rds(region).describeDBClusters({ DBClusterIdentifier: naming.dbCluster(region) });
  const arn = out.DBClusters?.[0]?.DBClusterArn;
  if (!arn) throw new Error(`the sandbox has no Aurora cluster ${naming.dbCluster(region)} in ${region}`);
  return arn;
}

/**
 * Back to an empty emulator: every region restored, timing back to 0, then moto's own
 * reset (`/moto-api/reset`: all resources gone, forced health checks and replicas too).
 * Step Functions execution stays on.
 */
/** Temporary credentials of `roleArn`, as the AWS service `service` gets them to act with the role. */
export interface ServiceRoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601. */
  readonly expiration: string;
}

/**
 * What the Lambda service hands a function's code: a session of its execution role (the
 * emulator refuses unless the role trusts `service`, as STS would for the service).
 */
export async function serviceCredentials(
  endpoint: string,
  request: { readonly roleArn: string; readonly service: string; readonly region: string },
): Promise<ServiceRoleCredentials> {
  return (await control(
    endpoint,
    'POST',
    '/dr-emulator/service-credentials',
    request,
  )) as ServiceRoleCredentials;
}

export async function resetEmulator(endpoint: string): Promise<void> {
  await restoreRegion(endpoint);
  await configureEmulator(endpoint, {
    switchoverSeconds: 0,
    replicationDelaySeconds: 0,
    replicationLagMs: null,
  });
  await control(endpoint, 'POST', '/moto-api/reset');
}

/** What a snapshot call did: how many region backends it held, and how long it took. */
export interface SnapshotResult {
  readonly name: string;
  readonly backends: number;
  readonly ms: number;
}

/**
 * Keeps everything the emulator holds under `name` (in its memory; a restart loses it):
 * every resource and its data, and the extension's own resource state.
 */
export async function snapshotEmulator(endpoint: string, name: string): Promise<SnapshotResult> {
  return (await control(
    endpoint,
    'POST',
    '/dr-emulator/snapshot',
    { name },
    SNAPSHOT_TIMEOUT_MS,
  )) as SnapshotResult;
}

/**
 * Puts back what `snapshotEmulator(endpoint, name)` kept: resources and data as they were,
 * outages and forced health-check statuses ended. Throws EmulatorControlError when there
 * is no such snapshot.
 */
export async function restoreEmulatorSnapshot(endpoint: string, name: string): Promise<SnapshotResult> {
  return (await control(
    endpoint,
    'POST',
    '/dr-emulator/restore-snapshot',
    { name },
    SNAPSHOT_TIMEOUT_MS,
  )) as SnapshotResult;
}

/** The names of the snapshots the emulator keeps. */
export async function listEmulatorSnapshots(endpoint: string): Promise<string[]> {
  return ((await control(endpoint, 'GET', '/dr-emulator/snapshots')) as { snapshots: string[] }).snapshots;
}

async function control(
  endpoint: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = CONTROL_TIMEOUT_MS,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, endpoint), {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EmulatorControlError(`the AWS emulator at ${endpoint} did not answer ${method} ${path}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new EmulatorControlError(
      `the AWS emulator answered ${response.status} to ${method} ${path}: ${text}`,
      { status: response.status },
    );
  }
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return text;
  }
}

// --- process plumbing --------------------------------------------------------------

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/dr-emulator/outages', endpoint), {
      signal: AbortSignal.timeout(1000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isEmulatorProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(SERVER_SCRIPT);
  } catch {
    return true; // no procfs (macOS): trust the recorded pid
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function goneWithin(pid: number, ms: number, exited?: Promise<void>): Promise<boolean> {
  if (exited) {
    // Our own child: its exit event also reaps it (a zombie still answers kill(pid, 0)).
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(false), ms);
    });
    try {
      return await Promise.race([exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await delay(50);
  }
  return !alive(pid);
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

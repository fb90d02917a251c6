/**
 * The workspace of a `dr deploy` CLI test: a temporary root holding the fake-terraform
 * STAND-IN (`bin`) and an empty folder for PATH (so no terraform or tofu of this machine
 * is ever found), a fresh working directory per test with the config and the stand-in's
 * call record, and the deployed platform reporting an in-sync replication lag before each
 * test (the verify-sync gate reads it). `run` is the built CLI against the deployed
 * sandbox (DR_ENDPOINT), with the stand-in only where a test names it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach } from 'node:test';
import type { AwsClients } from '../../src/aws/clients.js';
import type { Naming } from '../../src/contract/naming.js';
import { installFakeTerraform } from '../fixtures/fake-terraform.js';
import { runCli, type CliResult } from '../harness/cli.js';
import { emulatorClients } from '../emulator/credentials.js';

export interface DeployWorkspace {
  /** The stand-in terraform. */
  readonly bin: string;
  /** This test's working directory (holds dr.config.json). */
  readonly cwd: string;
  /** The stand-in's call record (FAKE_TERRAFORM_RECORD). */
  readonly record: string;
  /** Root clients of the deployed sandbox. */
  readonly clients: AwsClients;
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
}

export function useDeployWorkspace(options: {
  readonly name: string;
  readonly endpoint: string;
  readonly input: unknown;
  readonly naming: Naming;
}): DeployWorkspace {
  const { endpoint } = options;
  let root = '';
  let emptyPath = '';
  let run = 0;
  const ws = { bin: '', cwd: '', record: '', clients: undefined as unknown as AwsClients };
  before(() => {
    root = mkdtempSync(join(tmpdir(), `dr-${options.name}-`));
    const binDir = join(root, 'bin');
    emptyPath = join(root, 'empty');
    mkdirSync(binDir);
    mkdirSync(emptyPath);
    ws.bin = installFakeTerraform(binDir);
    ws.clients = emulatorClients(endpoint, 3000);
  });
  after(() => {
    ws.clients.destroy();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    run += 1;
    ws.cwd = join(root, `run-${run}`);
    mkdirSync(ws.cwd);
    writeFileSync(join(ws.cwd, 'dr.config.json'), JSON.stringify(options.input));
    ws.record = join(ws.cwd, 'calls.jsonl');
    // The deployed platform, in sync: the secondary reporting 200 ms of lag.
    await ws.clients.cloudwatch('us-east-2').putMetricData({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'AuroraGlobalDBReplicationLag',
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: options.naming.dbCluster('us-east-2') }],
          Value: 200,
          Unit: 'Milliseconds',
        },
      ],
    });
  });
  return {
    get bin() {
      return ws.bin;
    },
    get cwd() {
      return ws.cwd;
    },
    get record() {
      return ws.record;
    },
    get clients() {
      return ws.clients;
    },
    run: (args, env = {}) =>
      runCli(args, {
        cwd: ws.cwd,
        env: {
          DR_ENDPOINT: endpoint,
          PATH: emptyPath,
          DR_TERRAFORM_BIN: undefined,
          DR_DATABASE_URL: undefined,
          FAKE_TERRAFORM_RECORD: ws.record,
          ...env,
        },
        timeoutMs: 90_000,
      }),
  };
}

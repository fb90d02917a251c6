/**
 * Who acts in the sandbox, as on AWS. The emulator checks every request against the
 * deployed IAM (test/emulator/dr_emulator/auth.py), so a permission the stacks forgot
 * fails here as it would on a real account:
 *
 * - the account's root user (the key pair `dr sandbox up` recorded) deploys, as an
 *   administrator does;
 * - an SRE's commands (`status`, `verify-sync`, `failover`, `failback`, `drill`) run as
 *   the deployed DR operator role, assumed with `sts:AssumeRole` as an SSO session
 *   assumes it (the role's trust policy decides, MFA included);
 * - a function's code (the watchdog, the readiness check, the trade processor the
 *   sandbox runs) runs as its function's role, with the credentials the Lambda service
 *   would hand it (the emulator issues them only when the role trusts that service).
 */
import type { AwsClients } from '../aws/clients.js';
import type { StaticCredentials } from '../aws/sdk-config.js';
import type { DrConfig } from '../config/schema.js';
import { RegionUnreachableError, UsageError } from '../contract/errors.js';
import { Naming } from '../contract/naming.js';
import { serviceCredentials } from './emulator.js';

/** A function's calls in the sandbox: one attempt, 3 s (an emulator gap answers 500 at once). */
const FUNCTION_CALLS = { timeoutMs: 3000, maxAttempts: 1 } as const;
/** Refresh a role session this long before it expires. */
const REFRESH_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;

export interface RoleSession {
  readonly roleArn: string;
  readonly sessionName: string;
  /** Signs every call; renews the session before it expires. */
  readonly credentials: () => Promise<StaticCredentials & { readonly expiration?: Date }>;
}

/** A role session name as STS takes it (`[\w+=,.@-]{2,64}`), from the operator's name. */
export function sessionNameFor(operator: string): string {
  const cleaned = `dr-${operator}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : 'dr-operator';
}

interface Session {
  readonly credentials: StaticCredentials & { readonly expiration?: Date };
  readonly renewAt: number;
}

/** A provider that asks `issue` for a session, again shortly before each one expires. */
function renewing(issue: () => Promise<Session['credentials']>): RoleSession['credentials'] {
  let current: Promise<Session> | undefined;
  const fetchSession = async (): Promise<Session> => {
    const credentials = await issue();
    const expires = credentials.expiration?.getTime() ?? Date.now() + SESSION_SECONDS * 1000;
    return { credentials, renewAt: expires - REFRESH_BEFORE_MS };
  };
  return async () => {
    const session = await (current ??= fetchSession());
    if (Date.now() < session.renewAt) return session.credentials;
    current = fetchSession();
    return (await current).credentials;
  };
}

export interface AssumeOptions {
  readonly endpoint: string;
  /** The sandbox account's root key pair. */
  readonly root: StaticCredentials;
  /** Where to call STS, all at once: the first answer wins (a region may be down). */
  readonly regions: readonly string[];
  readonly roleName: string;
  readonly sessionName: string;
}

/**
 * The deployed role `roleName`, assumed by the account's root user. The first session is
 * taken at once, so a missing role or a trust policy that refuses fails here, in one line.
 */
export async function assumeSandboxRole(options: AssumeOptions): Promise<RoleSession> {
  const { createClients } = await import('../aws/clients.js');
  const withRoot = <T>(use: (clients: ReturnType<typeof createClients>) => Promise<T>): Promise<T> => {
    const clients = createClients({
      endpoint: options.endpoint,
      credentials: options.root,
      timeoutMs: 5000,
      maxAttempts: 1,
    });
    return use(clients).finally(() => clients.destroy());
  };
  const roleArn = await withRoot((clients) => roleArnOf(clients, options.regions, options.roleName));
  const assume = (clients: AwsClients) =>
    firstAnswer(options.regions, (region) =>
      clients.sts(region).assumeRole({
        RoleArn: roleArn,
        RoleSessionName: options.sessionName,
        DurationSeconds: SESSION_SECONDS,
      }),
    );
  const credentials = renewing(() =>
    withRoot(async (clients) => {
      const out = await assume(clients);
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    }),
  );
  try {
    await credentials();
  } catch (error) {
    if (error instanceof RegionUnreachableError) throw error;
    const name = (error as { name?: string }).name ?? 'Error';
    throw new UsageError(
      `the sandbox refused to let its root user assume ${roleArn} (${name}): check the role's trust policy (config \`operators\`)`,
      { cause: error },
    );
  }
  return { roleArn, sessionName: options.sessionName, credentials };
}

/**
 * `call` in every region at once, the first answer wins: a sandbox outage may cut or hold
 * any region (IAM's and STS's global endpoints count as us-east-1), as a real regional
 * outage would. When none answers, the first region's error (a refusal before a lost region).
 */
async function firstAnswer<T>(regions: readonly string[], call: (region: string) => Promise<T>): Promise<T> {
  try {
    return await Promise.any(regions.map(call));
  } catch (error) {
    const errors = error instanceof AggregateError ? (error.errors as unknown[]) : [error];
    throw errors.find((e) => !(e instanceof RegionUnreachableError)) ?? errors[0];
  }
}

/** The ARN of the account's role `roleName`: the account and partition from STS's "who am I". */
async function roleArnOf(admin: AwsClients, regions: readonly string[], roleName: string): Promise<string> {
  const me = await firstAnswer(regions, (region) => admin.sts(region).getCallerIdentity({}));
  const [, partition, , , account] = (me.Arn ?? '').split(':');
  if (!partition || !account)
    throw new Error(`STS did not name the sandbox's account (${me.Arn ?? 'no ARN'})`);
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/**
 * Clients that act as `roleName` with the session the AWS service `service` would get to
 * act with it (the emulator refuses unless the role trusts that service). `admin` (the
 * sandbox's root clients) only finds the account. Destroy them when done.
 */
export async function serviceRoleClients(
  admin: AwsClients,
  role: { readonly name: string; readonly service: string; readonly region: string },
  settings: { readonly timeoutMs?: number; readonly maxAttempts?: number } = FUNCTION_CALLS,
): Promise<AwsClients & { readonly roleArn: string }> {
  const endpoint = admin.endpoint;
  if (!endpoint) throw new UsageError("service roles are the sandbox's: these clients talk to AWS");
  const roleArn = await roleArnOf(admin, [role.region], role.name);
  const credentials = renewing(async () => {
    const issued = await serviceCredentials(endpoint, {
      roleArn,
      service: role.service,
      region: role.region,
    });
    return {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: new Date(issued.expiration),
    };
  });
  await credentials(); // a role that does not trust the service fails here, not mid-run
  const { createClients } = await import('../aws/clients.js');
  return Object.assign(createClients({ endpoint, credentials, ...settings }), { roleArn });
}

/** Clients that act as the execution role of the platform function `fn` in `region`, as its code does in Lambda. */
export function functionClients(
  admin: AwsClients,
  config: DrConfig,
  fn: (typeof Naming.functions)[number],
  region: string,
  settings: { readonly timeoutMs?: number; readonly maxAttempts?: number } = FUNCTION_CALLS,
): Promise<AwsClients & { readonly roleArn: string }> {
  const name = new Naming(config).role(`${fn}-exec`, region);
  return serviceRoleClients(admin, { name, service: 'lambda.amazonaws.com', region }, settings);
}

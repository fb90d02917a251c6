/**
 * The sandbox variant of a synthesized stack: the stack's own `cdk.tf.json`, unchanged,
 * plus a Terraform override file beside it (`sandbox_override.tf.json`; Terraform merges
 * every `*_override.tf.json` into the configuration) that changes only what is written
 * down here as unavoidable:
 *
 * 1. The provider blocks: every AWS endpoint points at the emulator, no credential/
 *    metadata/region validation, path-style S3, and few retries (an emulator gap
 *    answers 500: it must fail in seconds, not after minutes of retries). No key: the
 *    sandbox's root key pair reaches Terraform through its environment (./deploy.ts).
 * 2. The provider version, when the machine's filesystem mirror holds another one than
 *    the stacks pin (offline machines carry 5.100.0; real accounts get the pinned 6.x).
 * 3. Attributes that only the pinned major version knows, dropped when an older major
 *    runs the sandbox (`OLDER_PROVIDER_OMISSIONS`, each with its reason).
 *
 * Same resources, same names, same policies: nothing else differs. The state backend is
 * the sandbox's own (a local file under `.dr/sandbox/`), set at synthesis.
 */

export const SANDBOX_OVERRIDE_FILE = 'sandbox_override.tf.json';

/**
 * The provider's endpoint key for each service prefix of the resource and data-source
 * types our stacks use (`aws_<prefix>_…`). A type with no entry here would call real
 * AWS: a test checks every synthesized type is covered.
 */
export const ENDPOINT_BY_TYPE_PREFIX: Readonly<Record<string, string>> = {
  acm: 'acm',
  api_gateway: 'apigateway',
  backup: 'backup',
  caller_identity: 'sts',
  cloudwatch_dashboard: 'cloudwatch',
  cloudwatch_metric_alarm: 'cloudwatch',
  cloudwatch_event: 'events',
  cloudwatch_log: 'logs',
  db: 'rds',
  default_security_group: 'ec2',
  dynamodb: 'dynamodb',
  flow_log: 'ec2',
  iam: 'iam',
  kms: 'kms',
  lambda: 'lambda',
  partition: 'sts',
  rds: 'rds',
  route: 'ec2',
  route53: 'route53',
  s3: 's3',
  secretsmanager: 'secretsmanager',
  security_group: 'ec2',
  sfn: 'sfn',
  sns: 'sns',
  sqs: 'sqs',
  ssm: 'ssm',
  subnet: 'ec2',
  vpc: 'ec2',
};

/** The endpoint key a resource or data-source type calls; undefined when not covered. */
export function endpointFor(type: string): string | undefined {
  const name = type.replace(/^aws_/, '');
  // The longest prefix wins: route53_… before route_…, cloudwatch_log… before cloudwatch_….
  const prefixes = Object.keys(ENDPOINT_BY_TYPE_PREFIX)
    .filter((p) => name === p || name.startsWith(`${p}_`))
    .sort((a, b) => b.length - a.length);
  return prefixes[0] ? ENDPOINT_BY_TYPE_PREFIX[prefixes[0]] : undefined;
}

/** Every endpoint key the override sets (STS too: the provider asks who it is). */
export const SANDBOX_ENDPOINTS: readonly string[] = [
  ...new Set(['sts', ...Object.values(ENDPOINT_BY_TYPE_PREFIX)]),
].sort();

/** An attribute the stacks set that an older provider major version does not know. */
export interface OlderProviderOmission {
  readonly resourceType: string;
  /** The nested block holding it. */
  readonly block: string;
  readonly attribute: string;
  /** The first major version that knows it. */
  readonly sinceMajor: number;
  readonly reason: string;
}

export const OLDER_PROVIDER_OMISSIONS: readonly OlderProviderOmission[] = [
  {
    resourceType: 'aws_dynamodb_table',
    block: 'replica',
    attribute: 'deletion_protection_enabled',
    sinceMajor: 6,
    reason:
      'per-replica deletion protection exists from provider 6.0; 5.x rejects the argument. The sandbox loses only the protection of its throw-away replicas.',
  },
];

export interface SandboxOverrideOptions {
  /** The emulator, e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
  /** Provider version to run (a mirror's); absent: the stacks' own pin. */
  readonly providerVersion?: string;
  /** @default 2 */
  readonly maxRetries?: number;
}

type Json = Record<string, unknown>;

function majorOf(version: string | undefined): number | undefined {
  const major = Number.parseInt((version ?? '').replace(/^[^0-9]*/, ''), 10);
  return Number.isFinite(major) ? major : undefined;
}

/** The override file's content for one synthesized stack (`cdk.tf.json` parsed). */
export function sandboxOverride(stack: Json, options: SandboxOverrideOptions): Json {
  const providers = ((stack.provider as Json | undefined)?.aws ?? []) as Json[];
  const endpoints = Object.fromEntries(SANDBOX_ENDPOINTS.map((key) => [key, options.endpoint]));
  const provider = providers.map((p) => ({
    ...(p.alias ? { alias: p.alias } : {}),
    region: p.region,
    skip_credentials_validation: true,
    skip_metadata_api_check: 'true',
    skip_region_validation: true,
    s3_use_path_style: true,
    max_retries: options.maxRetries ?? 2,
    endpoints: [endpoints],
  }));
  const override: Json = { provider: { aws: provider } };

  if (options.providerVersion) {
    const pinned = ((stack.terraform as Json | undefined)?.required_providers as Json | undefined)?.aws as
      Json | undefined;
    override.terraform = {
      required_providers: {
        aws: { source: pinned?.source ?? 'hashicorp/aws', version: options.providerVersion },
      },
    };
  }

  const major = majorOf(options.providerVersion);
  const resources = (stack.resource ?? {}) as Record<string, Record<string, Json>>;
  const omitted: Record<string, Record<string, Json>> = {};
  for (const omission of OLDER_PROVIDER_OMISSIONS) {
    if (major === undefined || major >= omission.sinceMajor) continue;
    for (const [name, resource] of Object.entries(resources[omission.resourceType] ?? {})) {
      const blocks = resource[omission.block];
      if (!Array.isArray(blocks) || !blocks.some((b: Json) => omission.attribute in b)) continue;
      // A nested block in an override file replaces every block of that type: all are given.
      (omitted[omission.resourceType] ??= {})[name] = {
        [omission.block]: blocks.map((b: Json) =>
          Object.fromEntries(Object.entries(b).filter(([k]) => k !== omission.attribute)),
        ),
      };
    }
  }
  if (Object.keys(omitted).length > 0) override.resource = omitted;
  return override;
}

/**
 * The typed configuration of one `dr` deployment (`dr.config.json`).
 *
 * Every field has a default that matches the platform described in DESIGN.md, so the
 * smallest valid file is `{ "app": "...", "dns": { "domain": "..." } }`. Cross-field
 * rules (regions differ, TTL within the RTO, where the Terraform state may live) are
 * checked here too, so every consumer gets a config that already makes sense.
 */
import { z } from 'zod';
import { overlaps, parseCidr } from './cidr.js';
import { AWS_PARTITIONS, partitionOf } from './regions.js';

export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A region AWS has (./regions.ts, its partitions), not merely one shaped like it. */
const region = z.string().superRefine((r, ctx) => {
  if (!AWS_REGION.test(r)) {
    ctx.addIssue({ code: 'custom', message: `must be an AWS region such as us-east-1 (got "${r}")` });
  } else if (partitionOf(r) === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${r}" is not an AWS region: use one such as us-east-1 or us-west-2 (${Object.keys(AWS_PARTITIONS).join(', ')} partitions)`,
    });
  }
});

/** An IPv4 CIDR block a VPC can have; the message says what is wrong with it. */
const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

export const stateBackendSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('local'),
      /** Directory for the per-stack state files. @default - `terraform-state` */
      path: z.string().min(1).default('terraform-state'),
    })
    .strict(),
  z
    .object({
      type: z.literal('s3'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'),
      /** Region of the state bucket. It must not be the primary region unless `replicated` is true. */
      region,
      /** Key prefix; each stack stores `<prefix>/<stack>.tfstate`. @default - `dr` */
      keyPrefix: z.string().min(1).default('dr'),
      /** S3 native locking (Terraform ≥ 1.10, OpenTofu ≥ 1.10). @default - true */
      useLockfile: z.boolean().default(true),
      /** KMS key for server-side encryption of the state. @default - the bucket's default key */
      kmsKeyId: z.string().min(1).optional(),
      /** True when the state bucket replicates to another region (S3 CRR). @default - false */
      replicated: z.boolean().default(false),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    /** Short application name; prefixes every resource name. */
    app: z
      .string()
      .regex(NAME, 'must be lowercase letters, digits and hyphens, starting with a letter')
      .max(16, 'must be at most 16 characters (it prefixes S3 bucket and Lambda names)'),
    /** Environment name, e.g. `prod`. @default - `prod` */
    environment: z
      .string()
      .regex(NAME, 'must be lowercase letters, digits and hyphens, starting with a letter')
      .max(8, 'must be at most 8 characters')
      .default('prod'),
    regions: z
      .object({
        primary: region.default('us-east-1'),
        secondary: region.default('us-east-2'),
      })
      .strict()
      .default({ primary: 'us-east-1', secondary: 'us-east-2' }),
    dns: z
      .object({
        /** Hosted zone the platform creates and owns, e.g. `trading.example.com`. */
        domain: z.string().regex(DOMAIN, 'must be a fully qualified domain name such as trading.example.com'),
        /**
         * An existing public hosted zone of `domain` (e.g. `Z0123456789ABCDEFGHIJ`), already
         * delegated from the parent: the stacks look it up instead of creating one, so the
         * first deploy's ACM DNS validation succeeds in the same apply. DNSSEC signing and
         * query logging of that zone stay with its owner.
         * @default - none: the global stack creates the zone (with DNSSEC and query logs),
         * and the parent domain must delegate to its name servers before ACM can validate
         */
        hostedZoneId: z
          .string()
          .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')
          .optional(),
        /** Label of the order API under the zone. @default - `api` → `api.<domain>` */
        apiSubdomain: z.string().regex(NAME, 'must be a DNS label').default('api'),
        /**
         * TTL of the failover records, seconds. @default - 20: with the default health
         * checks (10 s × 3) and 5 s of orchestration the order-intake budget is 55 s,
         * inside the 60 s objective. (A 60 s TTL, AWS's upper recommendation, makes it 95 s.)
         */
        ttlSeconds: z.number().int().min(1).max(300).default(20),
        healthCheck: z
          .object({
            /** Route 53 supports 10 (fast) or 30 seconds. @default - 10 */
            intervalSeconds: z.union([z.literal(10), z.literal(30)]).default(10),
            /** Consecutive failures before unhealthy, 1–10. @default - 3 */
            failureThreshold: z.number().int().min(1).max(10).default(3),
            /** Path the checkers request. @default - `/health` */
            path: z.string().startsWith('/', 'must start with /').default('/health'),
          })
          .strict()
          .default({ intervalSeconds: 10, failureThreshold: 3, path: '/health' }),
      })
      .strict(),
    objectives: z
      .object({
        /** Order-intake recovery time objective, seconds. @default - 60 */
        rtoSeconds: z.number().int().positive().default(60),
        /** Seconds the orchestration itself may take on the RTO path. @default - 5 */
        orchestrationSeconds: z.number().int().nonnegative().default(5),
        /** Largest acceptable Aurora global replication lag, milliseconds. @default - 1000 */
        maxReplicationLagMs: z.number().int().positive().default(1000),
        /** Largest acceptable S3 `OperationsPendingReplication`. @default - 100 */
        maxS3PendingOperations: z.number().int().nonnegative().default(100),
        /** How long a canary write may take to appear in the other region, seconds. @default - 10 */
        canaryTimeoutSeconds: z.number().int().positive().max(900).default(10),
      })
      .strict()
      .default({
        rtoSeconds: 60,
        orchestrationSeconds: 5,
        maxReplicationLagMs: 1000,
        maxS3PendingOperations: 100,
        canaryTimeoutSeconds: 10,
      }),
    alarms: z
      .object({
        /** Trade-processor `Errors` per minute that raise the alarm. @default - 1 */
        lambdaErrors: z.number().int().positive().default(1),
        /** API Gateway p99 `Latency`, milliseconds. @default - 1000 */
        apiLatencyP99Ms: z.number().int().positive().default(1000),
        /** Messages visible in the DLQ. @default - 1 */
        dlqDepth: z.number().int().positive().default(1),
        /** `AuroraGlobalDBReplicationLag`, milliseconds. @default - objectives.maxReplicationLagMs */
        replicationLagMs: z.number().int().positive().optional(),
        /** Email subscribed to each region's alarm topic. @default - none */
        email: z.email('must be an email address').optional(),
      })
      .strict()
      .default({ lambdaErrors: 1, apiLatencyP99Ms: 1000, dlqDepth: 1 }),
    database: z
      .object({
        engineVersion: z.string().min(1).default('16.6'),
        instanceClass: z
          .string()
          .startsWith('db.', 'must be an RDS instance class such as db.r6g.large')
          .default('db.r6g.large'),
        databaseName: z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/, 'must be a PostgreSQL identifier')
          .default('trading'),
        /** Automated backups kept, days (1–35). @default - 7 */
        backupRetentionDays: z.number().int().min(1).max(35).default(7),
        /**
         * Version of the master password the apply generates: raise it to rotate (the next
         * apply sets a new one on the writer and in the master secret). @default - 1
         */
        masterPasswordVersion: z.number().int().min(1).default(1),
      })
      .strict()
      .default({
        engineVersion: '16.6',
        instanceClass: 'db.r6g.large',
        databaseName: 'trading',
        backupRetentionDays: 7,
        masterPasswordVersion: 1,
      }),
    network: z
      .object({
        /** The primary VPC's block, a /16 to /24. @default - `10.10.0.0/16` */
        primaryCidr: cidr.default('10.10.0.0/16'),
        /** The secondary VPC's block, a /16 to /24 not overlapping the primary's. @default - `10.20.0.0/16` */
        secondaryCidr: cidr.default('10.20.0.0/16'),
      })
      .strict()
      .default({ primaryCidr: '10.10.0.0/16', secondaryCidr: '10.20.0.0/16' }),
    /** Failover automation. @default - `approval`: the secondary detects and asks; a person approves. */
    autoFailover: z.enum(['on', 'off', 'approval']).default('approval'),
    /** IAM principals (role, user or account-root ARNs) that may assume the DR operator role. @default - the account root, MFA required */
    operators: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/,
            'must be an IAM role, user or account-root ARN',
          ),
      )
      .min(1)
      .optional(),
    /** Tags on every taggable resource, on top of app/environment/managed-by. */
    apiGateway: z
      .object({
        /**
         * The role API Gateway already writes logs with in this account (one setting per
         * region, shared by every REST API there, e.g. `arn:aws:iam::123456789012:role/apigw-logs`):
         * the stacks leave that setting alone, and the role must be allowed to write the order
         * API's log groups. @default - none: the stacks point the setting at a role of their
         * own that may write only the order API's logs, and `dr deploy` refuses when the
         * setting already names another role (it would stop the other APIs' logs)
         */
        accountCloudWatchRoleArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
            'must be an IAM role ARN such as arn:aws:iam::123456789012:role/apigw-logs',
          )
          .optional(),
      })
      .strict()
      .default({}),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
    stateBackend: stateBackendSchema.default({ type: 'local', path: 'terraform-state' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.regions.secondary === c.regions.primary) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', 'secondary'],
        message: 'must differ from regions.primary',
      });
    }
    const primaryPartition = partitionOf(c.regions.primary);
    const secondaryPartition = partitionOf(c.regions.secondary);
    if (primaryPartition && secondaryPartition && primaryPartition !== secondaryPartition) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', 'secondary'],
        message: `must be in the same AWS partition as regions.primary (${c.regions.primary} is in ${primaryPartition}, ${c.regions.secondary} in ${secondaryPartition})`,
      });
    }
    const primaryCidr = parseCidr(c.network.primaryCidr);
    const secondaryCidr = parseCidr(c.network.secondaryCidr);
    if (
      !('problem' in primaryCidr) &&
      !('problem' in secondaryCidr) &&
      overlaps(primaryCidr, secondaryCidr)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'secondaryCidr'],
        message: `must not overlap network.primaryCidr (${c.network.primaryCidr}): the VPCs are peered`,
      });
    }
    if (c.dns.ttlSeconds > c.objectives.rtoSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['dns', 'ttlSeconds'],
        message: `must not exceed objectives.rtoSeconds (${c.objectives.rtoSeconds}): resolvers would keep the dead region longer than the RTO`,
      });
    }
    if (
      c.stateBackend.type === 's3' &&
      c.stateBackend.region === c.regions.primary &&
      !c.stateBackend.replicated
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['stateBackend', 'region'],
        message: `must not be ${c.regions.primary}, the region the platform protects, unless the state bucket is replicated (set stateBackend.replicated: true)`,
      });
    }
  });

export type DrConfigInput = z.input<typeof configSchema>;
export type DrConfig = z.output<typeof configSchema>;
export type StateBackendConfig = DrConfig['stateBackend'];

/**
 * Where a Terraform apply's time goes, from what a run leaves behind: each resource's
 * "Creation complete after" in the deploy logs, and the dependencies between the
 * resources of a stack in its synthesized `cdk.tf.json`. No timestamps needed: the
 * critical chain is the longest dependency path weighted by creation times.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The least time provider 5.100 takes to create a resource of these types, whatever the
 * emulator answers (internal/service/… of hashicorp/terraform-provider-aws): a
 * `retry.StateChangeConf` with a fixed `Delay` before its first read, or one that wants
 * `ContinuousTargetOccurence` N matching reads `MinTimeout` t apart ((N - 1) × t after the
 * first). The Route 53 figure is what this machine measured every time.
 */
const ROUTE53_CHANGE = {
  s: 15,
  why: 'route53 waitChangeInsync: a Delay before the first GetChange (15 s here)',
};

export const PROVIDER_WAITS: Readonly<Record<string, { readonly s: number; readonly why: string }>> = {
  aws_rds_cluster: { s: 30, why: 'rds waitDBClusterCreated: Delay 30 s' },
  aws_rds_cluster_instance: { s: 30, why: 'rds waitDBClusterInstanceCreated: Delay 30 s' },
  aws_sqs_queue: { s: 25, why: 'sqs waitQueueAttributesPropagated: 6 reads, 5 s apart' },
  aws_sqs_queue_policy: { s: 25, why: 'sqs waitQueueAttributesPropagated: 6 reads, 5 s apart' },
  aws_route53_zone: ROUTE53_CHANGE,
  aws_route53_record: ROUTE53_CHANGE,
  aws_route53_key_signing_key: ROUTE53_CHANGE,
  aws_route53_hosted_zone_dnssec: ROUTE53_CHANGE,
  aws_kms_key: {
    s: 8,
    why: 'kms waitKeyPolicyPropagated, waitTagsPropagated, and with rotation waitKeyRotationEnabledPropagated: 5 reads each, ≥ 1 s apart',
  },
};

export interface Created {
  readonly stack: string;
  /** `type.name`, the instance key dropped (`aws_route53_record.x["a"]` → `aws_route53_record.x`). */
  readonly address: string;
  readonly s: number;
}

/** Every "Creation complete after" line in the run's deploy logs, slowest first. */
export async function created(logDir: string): Promise<Created[]> {
  const found: Created[] = [];
  for (const file of await readdir(logDir)) {
    const stack = file.replace(/\.log$/, '');
    const text = await readFile(join(logDir, file), 'utf8');
    for (const m of text.matchAll(/^(\S+?)(?:\[[^\]]*\])?: Creation complete after (?:(\d+)m)?(\d+)s/gm)) {
      found.push({ stack, address: m[1] ?? '', s: Number(m[2] ?? 0) * 60 + Number(m[3]) });
    }
  }
  return found.sort((a, b) => b.s - a.s);
}

/** The resources (`type.name`) a synthesized resource refers to or depends on, in its own stack. */
export async function dependencies(stackFile: string): Promise<Map<string, Set<string>>> {
  const json = JSON.parse(await readFile(stackFile, 'utf8')) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const deps = new Map<string, Set<string>>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const text = JSON.stringify({ ...body, '//': undefined });
      const refs = new Set<string>();
      for (const m of text.matchAll(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) refs.add(`${m[1]}.${m[2]}`);
      for (const d of (body.depends_on as string[] | undefined) ?? []) refs.add(d.replace(/\[.*$/, ''));
      refs.delete(`${type}.${name}`);
      deps.set(`${type}.${name}`, refs);
    }
  }
  return deps;
}

/** The longest path through a stack's dependencies, weighted by each resource's creation time. */
export function criticalChain(deps: Map<string, Set<string>>, seconds: Map<string, number>): string[] {
  const best = new Map<string, { total: number; chain: string[] }>();
  const visit = (address: string): { total: number; chain: string[] } => {
    const known = best.get(address);
    if (known) return known;
    best.set(address, { total: 0, chain: [] }); // a cycle (none expected) ends here
    let before = { total: 0, chain: [] as string[] };
    for (const dep of deps.get(address) ?? []) {
      const d = visit(dep);
      if (d.total > before.total) before = d;
    }
    const own = { total: before.total + (seconds.get(address) ?? 0), chain: [...before.chain, address] };
    best.set(address, own);
    return own;
  };
  let longest = { total: 0, chain: [] as string[] };
  for (const address of deps.keys()) {
    const c = visit(address);
    if (c.total > longest.total) longest = c;
  }
  return longest.chain;
}

import type { ExecutionInFlight, InFlightStepState, StatusResult } from '../../core/status.js';
import { color } from '../style.js';

const dash = '—';
const or = (v: string | number | null | undefined) => (v === null || v === undefined ? dash : String(v));
const problem = (error: string | undefined) =>
  error ? color.red(error.includes('did not answer') ? `unreachable: ${error}` : error) : '';

function section(title: string, lines: string[]): string[] {
  return [color.bold(title), ...lines.map((l) => `  ${l}`), ''];
}

const stepState: Record<InFlightStepState, (s: string) => string> = {
  done: color.green,
  running: color.yellow,
  pending: color.dim,
  failed: color.red,
};

/** One execution's steps on one line, in `STEPS` order: where a stuck operation stands. */
function inFlightStepsLine(e: ExecutionInFlight): string {
  const steps = e.stepsError
    ? problem(e.stepsError)
    : e.steps.map((s) => `${s.title} ${stepState[s.state](s.state)}`).join(' · ');
  return `  ${e.execution} steps: ${steps}`;
}

/** The one-screen view of `dr status`. */
export function renderStatus(result: StatusResult): string {
  const out: string[] = [];
  const { active, dns, aurora } = result;
  // First, so it is what an SRE sees: each unsafe state, and the command that repairs it.
  if (result.unsafe.length > 0) {
    out.push(
      ...section(
        color.red(`Unsafe (${result.unsafe.length})`),
        result.unsafe.flatMap((u) => [
          `${color.red(color.bold(u.code))}${u.duringOperation ? color.yellow(' (an operation is in flight)') : ''}: ${u.message}`,
          ...(u.repair ? [`  repair: ${u.repair}`] : []),
        ]),
      ),
    );
  }
  const activeLine = active.region
    ? `${color.bold(active.region)} (epoch ${or(active.epoch)})${active.agreed ? '' : color.yellow('  regions disagree')}`
    : color.red('unknown');
  out.push(
    ...section('Active region', [
      `SSM: ${activeLine}`,
      ...active.byRegion.map((c) =>
        c.error
          ? `  ${c.region}: ${problem(c.error)}`
          : `  ${c.region}: active-region ${or(c.activeRegion)}, epoch ${or(c.epoch)}`,
      ),
      `DNS (${dns.name}): ${dns.error ? problem(dns.error) : `answers with ${or(dns.servingRegion)}`}`,
      ...(dns.error
        ? []
        : dns.records.map(
            (r) =>
              `  ${r.failover.padEnd(9)} ${or(r.region).padEnd(10)} ${r.healthy === null ? color.yellow('health unknown') : r.healthy ? color.green('healthy') : color.red('unhealthy')}${r.checkers ? ` (${r.checkers.healthy}/${r.checkers.total} checkers)` : ''}${r.error ? `  ${problem(r.error)}` : ''}`,
          )),
    ]),
  );
  out.push(
    ...section(`Aurora global cluster ${aurora.globalCluster}`, [
      `writer: ${or(aurora.writerRegion)}${aurora.error ? `  ${problem(aurora.error)}` : ''}`,
      ...aurora.members.map(
        (m) =>
          `${m.region.padEnd(10)} ${m.cluster}  ${or(m.status)}${m.writer ? ' (writer)' : m.writer === false ? ' (reader)' : ''}  lag ${m.lag ? `${m.lag.value} ms at ${m.lag.at}` : m.writer ? 'n/a' : 'no data'}${m.error ? `  ${problem(m.error)}` : ''}`,
      ),
    ]),
  );
  out.push(
    ...section(
      'DynamoDB',
      result.dynamodb.flatMap((t) =>
        t.regions.map(
          (r) =>
            `${t.table.padEnd(24)} ${r.region.padEnd(10)} ${r.error ? problem(r.error) : `${or(r.status)}, replicas ${r.replicas.map((x) => `${x.region} ${x.status}`).join(', ') || 'none'}, PITR ${or(r.pitr)}`}`,
        ),
      ),
    ),
  );
  out.push(
    ...section(
      'S3 replication',
      result.s3.map(
        (r) =>
          `${r.sourceBucket} → ${or(r.destinationBucket)}  ${r.error && r.status === null ? problem(r.error) : `${or(r.status)}, pending ${or(r.pendingOperations)} ops / ${or(r.pendingBytes)} bytes, latency ${r.latencySeconds === null ? dash : `${r.latencySeconds} s`}${r.error ? `  ${problem(r.error)}` : ''}`}`,
      ),
    ),
  );
  out.push(
    ...section(
      'Alarms in ALARM',
      result.alarms.map((a) =>
        a.error
          ? `${a.region.padEnd(10)} ${problem(a.error)}`
          : a.firing.length === 0
            ? `${a.region.padEnd(10)} ${color.green('none')}`
            : `${a.region.padEnd(10)} ${color.red(a.firing.map((f) => f.name).join(', '))}`,
      ),
    ),
  );
  out.push(
    ...section(
      'Order consumption (trade-processor event source mapping)',
      result.eventSourceMappings.map(
        (m) =>
          `${m.region.padEnd(10)} ${m.error ? problem(m.error) : `${m.states.join('/') || 'none'}${m.consuming ? ' (consuming)' : ''}`}`,
      ),
    ),
  );
  const { lease, inFlight, errors } = result.operations;
  out.push(
    ...section('Operation lease and executions', [
      lease
        ? `lease: ${lease.holder}, ${lease.operation} ${lease.operationId}${lease.to ? ` to ${lease.to}` : ''}${lease.mode ? ` (${lease.mode})` : ''}, since ${lease.startedAt}, ${lease.expired ? color.yellow(`expired ${lease.expiresAt}`) : `expires ${lease.expiresAt}`}`
        : `lease: ${color.green('free')}`,
      ...(lease
        ? [
            `  ${lease.running ? color.green(`its process runs: ${lease.reason}`) : color.red(`held by nothing running: ${lease.reason}`)}${!lease.running && inFlight.length > 0 ? ' (an execution still runs it: re-run the same command to re-attach)' : ''}`,
          ]
        : []),
      inFlight.length === 0
        ? 'executions in flight: none'
        : `executions in flight: ${inFlight.map((e) => `${e.operation} ${e.execution} in ${e.region}${e.startedAt ? ` since ${e.startedAt}` : ''}`).join('; ')}`,
      ...inFlight.map(inFlightStepsLine),
      ...errors.map((e) => `  ${e.region}: ${problem(e.error)}`),
    ]),
  );
  out.push(
    ...section(
      'Last readiness check (FailoverReadiness)',
      result.readiness.map(
        (r) =>
          `${r.region.padEnd(10)} ${r.error ? problem(r.error) : r.ready === null ? color.yellow('no result in the last 2.5 h') : r.ready ? color.green(`ready at ${r.at}`) : color.red(`NOT ready at ${r.at}`)}`,
      ),
    ),
  );
  const rto = result.rto;
  out.push(
    ...section('RTO budget (order intake)', [
      ...rto.items.map(
        (i) => `${i.name.padEnd(14)} ${String(i.seconds).padStart(4)} s  ${color.dim(i.basis)}`,
      ),
      `${'total'.padEnd(14)} ${String(rto.totalSeconds).padStart(4)} s  vs objective ${rto.objectiveSeconds} s: ${rto.withinObjective ? color.green(`within (${rto.marginSeconds} s margin)`) : color.red(`over by ${-rto.marginSeconds} s`)}`,
    ]),
  );
  if (result.unreachable.length > 0) {
    out.push(
      ...section(
        color.red('Unreachable'),
        result.unreachable.map((u) => `${u.region}: ${u.message}`),
      ),
    );
  }
  out.push(
    color.dim(
      `${result.generatedAt} · ${result.trace.calls} AWS calls in ${result.trace.levels} sequential levels, ${result.trace.ms} ms`,
    ),
  );
  return out.join('\n');
}

/**
 * One CloudWatch dashboard with both regions side by side: a row per signal, the
 * primary region on the left, the secondary on the right, so an operator reads
 * "is the standby keeping up" at a glance during a drill or an incident.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as CloudwatchDashboardModule from '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js';
import { requireCjs } from '../../cjs.js';

const { CloudwatchDashboard } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js',
) as typeof CloudwatchDashboardModule;
type CloudwatchDashboard = CloudwatchDashboardModule.CloudwatchDashboard;

export interface DashboardReplicationRule {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly ruleId: string;
}

export interface DashboardRegion {
  readonly region: string;
  /** Column heading, e.g. `primary us-east-1`. */
  readonly label: string;
  readonly dbClusterIdentifier: string;
  readonly tradeProcessorName: string;
  readonly apiName: string;
  readonly ordersQueueName: string;
  readonly dlqName: string;
  /** S3 replication rules whose source is in this region. */
  readonly replicationRules: readonly DashboardReplicationRule[];
  /** Global tables, for DynamoDB `ReplicationLatency` into the other region. */
  readonly tableNames: readonly string[];
  /** The other region (the receiving region of DynamoDB replication). */
  readonly otherRegion: string;
}

export interface DrDashboardProps {
  readonly provider: TerraformProvider;
  readonly dashboardName: string;
  readonly regions: readonly [DashboardRegion, DashboardRegion];
  /**
   * Period of every graph, seconds.
   * @default - 60
   */
  readonly periodSeconds?: number;
}

type Metric = (string | Record<string, string>)[];

interface Row {
  readonly title: string;
  readonly stat: string;
  metrics(r: DashboardRegion): Metric[];
}

const ROWS: readonly Row[] = [
  {
    title: 'Aurora global replication lag (ms)',
    stat: 'Maximum',
    metrics: (r) => [
      ['AWS/RDS', 'AuroraGlobalDBReplicationLag', 'DBClusterIdentifier', r.dbClusterIdentifier],
    ],
  },
  {
    title: 'Trade processor errors',
    stat: 'Sum',
    metrics: (r) => [['AWS/Lambda', 'Errors', 'FunctionName', r.tradeProcessorName]],
  },
  {
    title: 'Order API latency p99 (ms)',
    stat: 'p99',
    metrics: (r) => [['AWS/ApiGateway', 'Latency', 'ApiName', r.apiName]],
  },
  {
    title: 'Queue depth: orders and DLQ',
    stat: 'Maximum',
    metrics: (r) => [
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', r.ordersQueueName, { label: 'orders' }],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', r.dlqName, { label: 'DLQ' }],
    ],
  },
  {
    title: 'S3 replication latency (s) and pending operations',
    stat: 'Maximum',
    metrics: (r) =>
      r.replicationRules.flatMap((rule) => {
        const dims = [
          'SourceBucket',
          rule.sourceBucket,
          'DestinationBucket',
          rule.destinationBucket,
          'RuleId',
          rule.ruleId,
        ];
        return [
          ['AWS/S3', 'ReplicationLatency', ...dims, { label: `${rule.ruleId} latency` }],
          [
            'AWS/S3',
            'OperationsPendingReplication',
            ...dims,
            { label: `${rule.ruleId} pending`, yAxis: 'right' },
          ],
        ];
      }),
  },
  {
    title: 'DynamoDB replication latency (ms)',
    stat: 'Average',
    metrics: (r) =>
      r.tableNames.map((table) => [
        'AWS/DynamoDB',
        'ReplicationLatency',
        'TableName',
        table,
        'ReceivingRegion',
        r.otherRegion,
        { label: table },
      ]),
  },
];

export class DrDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DrDashboardProps) {
    super(scope, id);
    const period = props.periodSeconds ?? 60;
    if (!(
      period === 10 ||
      period === 30 ||
      (Number.isInteger(period) && period >= 60 && period % 60 === 0)
    )) {
      throw new Error(`DrDashboard: periodSeconds must be 10, 30 or a multiple of 60, got ${period}`);
    }
    if (props.regions[0].region === props.regions[1].region) {
      throw new Error(
        `DrDashboard: the two columns must show different regions, both are ${props.regions[0].region}`,
      );
    }
    const width = 12;
    const height = 6;
    const widgets = ROWS.flatMap((row, y) =>
      props.regions.map((r, x) => ({
        type: 'metric',
        x: x * width,
        y: y * height,
        width,
        height,
        properties: {
          title: `${r.label}: ${row.title}`,
          region: r.region,
          stat: row.stat,
          period,
          view: 'timeSeries',
          metrics: row.metrics(r),
        },
      })),
    );
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      provider: props.provider,
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}

/**
 * The failover and failback state machines of one region, run by ONE role per region
 * (the global stack attaches what the steps call: stateMachineStatements in
 * src/infra/constructs/global/dr-access.ts). Logs go to a KMS-encrypted group per machine, X-Ray is on, and
 * execution data is encrypted with the regional key.
 */
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as SfnStateMachineModule from '@cdktf/provider-aws/lib/sfn-state-machine/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { EncryptedLogGroup } from './log-group.js';
import { policyDocument, serviceTrustPolicy } from './policy.js';
import {
  drDefinition,
  renderDefinition,
  type DefinitionFactory,
  type StateMachineContext,
  type StateMachineKind,
} from './state-machine-definition.js';
import { requireNonEmpty } from './validate.js';

const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
const { SfnStateMachine } = requireCjs(
  '@cdktf/provider-aws/lib/sfn-state-machine/index.js',
) as typeof SfnStateMachineModule;
type SfnStateMachine = SfnStateMachineModule.SfnStateMachine;

export interface DrStateMachinesProps {
  /** The definition's context; its `parametersKeyId` is `kmsKeyArn`. */
  readonly context: Omit<StateMachineContext, 'kind' | 'parametersKeyId'>;
  readonly names: Readonly<Record<StateMachineKind, string>>;
  readonly logGroupNames: Readonly<Record<StateMachineKind, string>>;
  readonly roleName: string;
  readonly kmsKeyArn: string;
  readonly accountId: string;
  /** @default - `drDefinition` for both (src/infra/constructs/regional/state-machine-definition.ts) */
  readonly definitions?: Readonly<Partial<Record<StateMachineKind, DefinitionFactory>>>;
}

export class DrStateMachines extends Construct {
  readonly role: IamRole;
  readonly machines: Record<StateMachineKind, SfnStateMachine>;

  constructor(scope: Construct, id: string, props: DrStateMachinesProps) {
    super(scope, id);
    requireNonEmpty('DrStateMachines', 'roleName', props.roleName);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('states.amazonaws.com', props.accountId),
    });
    const kinds: StateMachineKind[] = ['failover', 'failback'];
    const logs = Object.fromEntries(
      kinds.map((kind) => [
        kind,
        new EncryptedLogGroup(this, `${kind}-logs`, {
          name: props.logGroupNames[kind],
          kmsKeyArn: props.kmsKeyArn,
        }),
      ]),
    ) as Record<StateMachineKind, EncryptedLogGroup>;

    const policy = new IamRolePolicy(this, 'role-policy', {
      role: this.role.id,
      name: 'logs-traces-key',
      policy: policyDocument(
        [
          {
            // CloudWatch Logs vended-log delivery: these actions have no resource-level permissions.
            sid: 'LogDelivery',
            actions: [
              'logs:CreateLogDelivery',
              'logs:GetLogDelivery',
              'logs:UpdateLogDelivery',
              'logs:DeleteLogDelivery',
              'logs:ListLogDeliveries',
              'logs:PutResourcePolicy',
              'logs:DescribeResourcePolicies',
              'logs:DescribeLogGroups',
            ],
            resources: ['*'],
          },
          {
            // X-Ray has no resource-level permissions for these.
            sid: 'XRayTraces',
            actions: [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'xray:GetSamplingRules',
              'xray:GetSamplingTargets',
            ],
            resources: ['*'],
          },
          {
            // Execution data, and the SecureString fencing parameters the machines write.
            sid: 'UseRegionalKey',
            actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
            resources: [props.kmsKeyArn],
          },
        ],
        'state machine role',
      ),
    });

    const machine = (kind: StateMachineKind): SfnStateMachine => {
      const factory = props.definitions?.[kind] ?? drDefinition;
      return new SfnStateMachine(this, kind, {
        name: props.names[kind],
        type: 'STANDARD',
        roleArn: this.role.arn,
        definition: renderDefinition(factory({ ...props.context, kind, parametersKeyId: props.kmsKeyArn })),
        loggingConfiguration: {
          logDestination: `${logs[kind].arn}:*`,
          level: 'ALL',
          includeExecutionData: true,
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: {
          type: 'CUSTOMER_MANAGED_KMS_KEY',
          kmsKeyId: props.kmsKeyArn,
          kmsDataKeyReusePeriodSeconds: 300,
        },
        dependsOn: [policy],
      });
    };
    this.machines = { failover: machine('failover'), failback: machine('failback') };
  }
}

/**
 * The region's SSM parameters: the fencing state (`active-region`, `epoch`), the shared
 * settings (equal in both regions; verify-sync compares them) and the region-specific
 * ones. `active-region` and `epoch` are runtime state owned by failover/failback: the
 * stack only creates them and ignores later changes, so a re-deploy never un-fences.
 * Every parameter is a SecureString under the regional key, like the DB parameters the
 * global stack writes: readers use `WithDecryption`, and reading or writing the fencing
 * state takes both an SSM and a KMS grant.
 */
import type * as SsmParameterModule from '@cdktf/provider-aws/lib/ssm-parameter/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { InvalidPropsError } from './validate.js';

const { SsmParameter } = requireCjs(
  '@cdktf/provider-aws/lib/ssm-parameter/index.js',
) as typeof SsmParameterModule;
type SsmParameter = SsmParameterModule.SsmParameter;

export interface ControlParametersProps {
  /** Full name of the active-region parameter. */
  readonly activeRegionName: string;
  /** Initial value: the primary region. */
  readonly activeRegion: string;
  /** Full name of the epoch parameter. */
  readonly epochName: string;
  /** Initial epoch. @default 1 */
  readonly initialEpoch?: number;
  /** Prefix of the shared settings (`<ssm>/shared`). */
  readonly sharedPrefix: string;
  /** Settings equal in both regions, by key. */
  readonly shared: Readonly<Record<string, string>>;
  /** Prefix of the region-specific settings (`<ssm>/regional`). */
  readonly regionalPrefix: string;
  /** Settings of this region, by key (cdktf tokens allowed). */
  readonly regional: Readonly<Record<string, string>>;
  /** Key every parameter is encrypted with (readers need kms:Decrypt, writers kms:Encrypt). */
  readonly kmsKeyArn: string;
}

const KEY = /^[a-z][a-z0-9-]*$/;

export class ControlParameters extends Construct {
  readonly activeRegion: SsmParameter;
  readonly epoch: SsmParameter;
  readonly shared: Record<string, SsmParameter> = {};
  readonly regional: Record<string, SsmParameter> = {};

  constructor(scope: Construct, id: string, props: ControlParametersProps) {
    super(scope, id);
    const epoch = props.initialEpoch ?? 1;
    if (!Number.isInteger(epoch) || epoch < 1) {
      throw new InvalidPropsError('ControlParameters', 'initialEpoch', epoch, 'a positive integer');
    }
    for (const [prop, prefix] of [
      ['sharedPrefix', props.sharedPrefix],
      ['regionalPrefix', props.regionalPrefix],
    ] as const) {
      if (!prefix.startsWith('/') || prefix.endsWith('/')) {
        throw new InvalidPropsError(
          'ControlParameters',
          prop,
          prefix,
          'a path starting with / and not ending with /',
        );
      }
    }
    // Runtime state: created once with its initial value, then owned by failover/failback.
    const runtimeState = { lifecycle: { ignoreChanges: ['value'] } };
    this.activeRegion = new SsmParameter(this, 'active-region', {
      name: props.activeRegionName,
      description: 'Region that holds the writer role. Written only by failover/failback.',
      type: 'SecureString',
      keyId: props.kmsKeyArn,
      value: props.activeRegion,
      ...runtimeState,
    });
    this.epoch = new SsmParameter(this, 'epoch', {
      name: props.epochName,
      description: 'Fencing epoch, bumped by every failover/failback. Written only by them.',
      type: 'SecureString',
      keyId: props.kmsKeyArn,
      value: String(epoch),
      ...runtimeState,
    });
    for (const [scope_, prefix, values, into] of [
      ['shared', props.sharedPrefix, props.shared, this.shared],
      ['regional', props.regionalPrefix, props.regional, this.regional],
    ] as const) {
      for (const [key, value] of Object.entries(values)) {
        if (!KEY.test(key)) {
          throw new InvalidPropsError(
            'ControlParameters',
            `${scope_}.${key}`,
            key,
            'a lowercase key such as rto-seconds',
          );
        }
        into[key] = new SsmParameter(this, `${scope_}-${key}`, {
          name: `${prefix}/${key}`,
          type: 'SecureString',
          keyId: props.kmsKeyArn,
          value,
        });
      }
    }
  }
}

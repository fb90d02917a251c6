/**
 * One region of the platform. The same class builds us-east-1 (primary) and us-east-2
 * (secondary); the only differences are the role-dependent settings (the secondary's
 * event source mapping starts disabled). Stacks wire constructs, providers and the
 * backend, nothing else.
 */
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { Construct } from 'constructs';
import type { DrConfig } from '../../config/schema.js';
import type { Naming, RegionRole } from '../naming.js';
import { configureBackend } from '../backend.js';
import type { RegionalResources } from './contracts.js';

export interface RegionalStackProps {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly role: RegionRole;
  readonly tags: Readonly<Record<string, string>>;
  /** Directory of the Lambda zips, relative to the project root. */
  readonly lambdaDir: string;
}

export class RegionalStack extends TerraformStack /* implements RegionalResources (filled by the regional constructs) */ {
  readonly role: RegionRole;
  readonly region: string;
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id);
    this.role = props.role;
    this.region = props.naming.regionOf(props.role);
    this.provider = new AwsProvider(this, 'aws', {
      region: this.region,
      defaultTags: [{ tags: { ...props.tags } }],
    });
    configureBackend(this, id, props.config.stateBackend);
  }
}

export type { RegionalResources };

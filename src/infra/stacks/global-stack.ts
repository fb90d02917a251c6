/**
 * What spans regions. Deployed after both regional stacks; see contracts.ts.
 */
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { Construct } from 'constructs';
import type { DrConfig } from '../../config/schema.js';
import type { Naming } from '../naming.js';
import { configureBackend } from '../backend.js';
import type { RegionalResources } from './contracts.js';

export interface GlobalStackProps {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly tags: Readonly<Record<string, string>>;
  readonly primary: RegionalResources;
  readonly secondary: RegionalResources;
}

export class GlobalStack extends TerraformStack {
  /** Provider for the primary region (also Route 53, IAM: their control planes live in us-east-1). */
  readonly primaryProvider: AwsProvider;
  readonly secondaryProvider: AwsProvider;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { naming, tags } = props;
    this.primaryProvider = new AwsProvider(this, 'aws', {
      region: naming.regionOf('primary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    this.secondaryProvider = new AwsProvider(this, 'aws-secondary', {
      alias: 'secondary',
      region: naming.regionOf('secondary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    configureBackend(this, id, props.config.stateBackend);
  }
}

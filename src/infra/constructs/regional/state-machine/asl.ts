/**
 * The typed Amazon States Language a DR state machine definition is written in, and what
 * a definition may depend on. Apart from the builder so the step fragments and the
 * builder can share it without importing each other.
 */

export type StateMachineKind = 'failover' | 'failback';

export interface AslState {
  readonly Type: 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  readonly Comment?: string;
  readonly [field: string]: unknown;
}

export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
}

/** What a definition may depend on (plain strings or cdktf tokens). */
export interface StateMachineContext {
  readonly kind: StateMachineKind;
  readonly region: string;
  readonly role: 'primary' | 'secondary';
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  /** The regional key (ARN) the fencing SecureStrings are encrypted with; PutParameter keeps it. */
  readonly parametersKeyId: string;
}

export type DefinitionFactory = (context: StateMachineContext) => AslDefinition;

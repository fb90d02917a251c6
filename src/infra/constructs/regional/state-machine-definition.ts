/**
 * Typed Amazon States Language for the DR state machines, and the placeholder the
 * regional stack deploys until the failover issue supplies the real definitions. A
 * definition is a function of the region's context, so swapping it is one prop.
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
}

export type DefinitionFactory = (context: StateMachineContext) => AslDefinition;

/** PLACEHOLDER: one Pass state. Replaced by the failover issue's definitions. */
export const placeholderDefinition: DefinitionFactory = (context) => ({
  Comment: `PLACEHOLDER ${context.kind} state machine of ${context.region}: replaced by the failover issue's definition`,
  StartAt: 'Placeholder',
  States: {
    Placeholder: {
      Type: 'Pass',
      Comment:
        'PLACEHOLDER: does nothing; the real steps (check, fence, promote, shift, verify) come from the failover issue',
      End: true,
    },
  },
});

export function renderDefinition(definition: AslDefinition): string {
  if (!(definition.StartAt in definition.States)) {
    throw new Error(`state machine definition: StartAt ${definition.StartAt} names no state`);
  }
  return JSON.stringify(definition);
}

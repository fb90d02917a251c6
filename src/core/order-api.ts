/**
 * The deployed order API as the CLI finds and changes it: its REST API id (by the name
 * from the naming module) and the stage-wide throttle (what the stack sets, and what the
 * drill's outage sets to 0 and back). One place for both, used by
 * the drill and the sandbox's API Gateway stand-in.
 */
import type { PatchOperation } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayApi } from '../aws/apis.js';
import { paginated } from '../aws/paginate.js';

/** The REST API named `name` in the region `apigw` calls, or undefined when there is none. */
export async function findRestApiId(apigw: ApiGatewayApi, name: string): Promise<string | undefined> {
  for await (const page of paginated(apigw).getRestApis({ limit: 500 })) {
    const id = page.items?.find((a) => a.name === name)?.id;
    if (id) return id;
  }
  return undefined;
}

export interface StageThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** UpdateStage operations that set the throttle of every method of a stage (`*` / `*`). */
export function stageThrottlePatch(limits: StageThrottle): PatchOperation[] {
  return [
    { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(limits.rateLimit) },
    { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(limits.burstLimit) },
  ];
}

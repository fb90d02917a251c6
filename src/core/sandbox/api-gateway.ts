/**
 * API Gateway in the sandbox: what the emulator holds of the order API (moto stores the
 * REST API, its stage and the stage's method settings, and serves none of it), read the
 * way API Gateway acts on it. A stage whose method settings throttle to 0 (rate or burst
 * limit 0: the AWS drill's data-plane blackout, an UpdateStage of
 * `/*\/*\/throttling/rateLimit` and `/burstLimit`) answers every request 429 Too Many
 * Requests, so the sandbox's stand-ins for what calls the API (Route 53's health checkers,
 * the watchdog's probe) see that region fail its `/health`.
 */
import type { MethodSetting } from '@aws-sdk/client-api-gateway';
import type { AwsClients } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../infra/naming.js';

// ---- the stage's throttle ----------------------------------------------------------------

/** The stage-wide method settings key (`/*\/*` in an UpdateStage patch path). */
export const ALL_METHODS = '*/*';

/** The method settings key of one method: `/orders` POST → `~1orders/POST`. */
export function methodSettingsKey(resourcePath: string, httpMethod: string): string {
  return `${resourcePath.replaceAll('/', '~1')}/${httpMethod.toUpperCase()}`;
}

/**
 * The settings that apply to a request (the method's own, else the stage-wide ones) when
 * they throttle it to 0 (rate or burst limit 0: every request answered 429); else undefined.
 */
export function zeroThrottle(
  methodSettings: Readonly<Record<string, MethodSetting>> | undefined,
  method?: { readonly resourcePath: string; readonly httpMethod: string },
): { readonly key: string; readonly rateLimit?: number; readonly burstLimit?: number } | undefined {
  const own = method ? methodSettingsKey(method.resourcePath, method.httpMethod) : undefined;
  const key = own !== undefined && methodSettings?.[own] ? own : ALL_METHODS;
  const settings = methodSettings?.[key];
  if (settings?.throttlingRateLimit !== 0 && settings?.throttlingBurstLimit !== 0) return undefined;
  return { key, rateLimit: settings.throttlingRateLimit, burstLimit: settings.throttlingBurstLimit };
}

export interface StageRead {
  readonly region: string;
  /** The order API's id, when the region has one. */
  readonly restApiId?: string;
  readonly stageName: string;
  /** The REST API and its stage exist. */
  readonly found: boolean;
  /** Every request on the stage (the given method) answers 429. */
  readonly throttled: boolean;
  readonly detail: string;
}

/**
 * Reads a region's order API stage (`Naming.restApi(region)`, stage
 * `Naming.restApiStage()`): one GetStage per read, the REST API id found by name
 * (GetRestApis) once and kept while it resolves. Throws what the region throws (a
 * `RegionUnreachableError` for a region in outage); an absent API or stage reads as
 * found: false, throttled: false.
 */
export class OrderApiStages {
  private readonly ids = new Map<string, string>();
  private readonly naming: Naming;

  constructor(
    private readonly clients: AwsClients,
    config: DrConfig,
  ) {
    this.naming = new Naming(config);
  }

  /** The order API's REST API id in `region`, or undefined when it has none. */
  async restApiId(region: string): Promise<string | undefined> {
    const known = this.ids.get(region);
    if (known) return known;
    const name = this.naming.restApi(region);
    let position: string | undefined;
    do {
      const page = await this.clients.apiGateway(region).getRestApis({ limit: 500, position });
      const id = page.items?.find((a) => a.name === name)?.id;
      if (id) {
        this.ids.set(region, id);
        return id;
      }
      position = page.position;
    } while (position);
    return undefined;
  }

  async read(
    region: string,
    method?: { readonly resourcePath: string; readonly httpMethod: string },
  ): Promise<StageRead> {
    const stageName = this.naming.restApiStage();
    const restApiId = await this.restApiId(region);
    if (!restApiId) {
      const detail = `${region} has no REST API ${this.naming.restApi(region)}`;
      return { region, stageName, found: false, throttled: false, detail };
    }
    let stage;
    try {
      stage = await this.clients.apiGateway(region).getStage({ restApiId, stageName });
    } catch (error) {
      if (errorName(error) !== 'NotFoundException') throw error;
      // The API may have been made again under a new id: look it up again next time.
      this.ids.delete(region);
      const detail = `${region}: REST API ${restApiId} has no stage ${stageName}`;
      return { region, restApiId, stageName, found: false, throttled: false, detail };
    }
    const zero = zeroThrottle(stage.methodSettings, method);
    return {
      region,
      restApiId,
      stageName,
      found: true,
      throttled: zero !== undefined,
      detail: zero
        ? throttledDetail(region, restApiId, stageName, zero)
        : `${region}: stage ${stageName} of ${restApiId} is not throttled to 0`,
    };
  }
}

function throttledDetail(
  region: string,
  restApiId: string,
  stageName: string,
  zero: NonNullable<ReturnType<typeof zeroThrottle>>,
): string {
  return `answered 429 Too Many Requests (${region}: stage ${stageName} of ${restApiId} throttles ${zero.key} to rate ${zero.rateLimit ?? '-'}, burst ${zero.burstLimit ?? '-'})`;
}

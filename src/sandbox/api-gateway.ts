/**
 * API Gateway for the sandbox. moto stores the order API (REST API, resources, methods,
 * integrations, the stage and its method settings, as the regional stack's Terraform
 * created them) but serves none of it, so this local HTTP server (node:http on 127.0.0.1)
 * plays it for both regions, reading from the emulator what API Gateway would act on.
 * A call AWS would send to `https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}/…`
 * goes to `http://127.0.0.1:PORT/{region}/{restApiId}/{stage}/…` (`baseUrl(region)`).
 *
 * Per request:
 * - the region must be the primary or the secondary and GetStage must find the REST API
 *   and stage there, else 404 `{"message":"Not Found"}` (AWS has no such host, or
 *   answers 403 for an unknown stage);
 * - a region whose calls fail (the emulator's outage switch) answers nothing: the
 *   connection is reset (`refuse`: at once; `hang`: once the stand-in's own client
 *   gives up, after its timeout);
 * - the resource and the method must exist (GetResources, cached per REST API), else
 *   403 `Missing Authentication Token`, as API Gateway answers an unknown route;
 * - a stage throttled to 0 (the method's own settings, else `*\/*`: rate or burst limit
 *   0, what the AWS drill's data-plane blackout patches) answers every request 429
 *   `{"message":"Too Many Requests"}` and calls nothing behind it;
 * - an `AWS_IAM` method needs a SigV4-signed request whose credential scope names this
 *   region and `execute-api`, else 403 (`Missing Authentication Token` when unsigned);
 * - then the integration the method has: `AWS` SQS (`…:sqs:path/{account}/{queue}`) does
 *   what the deployed one does: the request validator against the Order model (415 for
 *   a body that is not JSON, 400 `Invalid request body`), SendMessage of the body with the
 *   `apiRequestId` attribute, and the deployed response templates (200
 *   `{"accepted":true,"messageId":…,"requestId":…}`, 503 `{"accepted":false,…}` when SQS
 *   refuses); `AWS_PROXY` to the health Lambda runs that Lambda's own handler
 *   (`sandboxHealthHandler`) and answers its status and body.
 *
 * Limits of the stand-in, named: the SigV4 signature itself is NOT verified (only that
 * the request is signed, with a scope for the right region and service), and no IAM
 * policy is evaluated; throttling is all or nothing (a limit of 0 refuses everything,
 * any other lets everything through: no token bucket); only the two integrations the
 * stack deploys run; the Order model is the stack's default (`ORDER_MODEL`: the
 * emulator holds no models), validated for the JSON-schema keywords it uses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Method, MethodSetting, Resource } from '@aws-sdk/client-api-gateway';
import type { AwsClients } from '../aws/clients.js';
import { errorName } from '../aws/errors.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import type { DbPool } from '../lambdas/shared/db.js';
import { RegionUnreachableError } from '../contract/errors.js';
import { findRestApiId } from '../core/order-api.js';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from '../lambdas/shared/events.js';
import { listenOnLoopback } from './loopback.js';

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
    const id = await findRestApiId(this.clients.apiGateway(region), this.naming.restApi(region));
    if (id) this.ids.set(region, id);
    return id;
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

// ---- the Order model (API Gateway's request validator) ------------------------------------

export type JsonSchema = Readonly<Record<string, unknown>>;

const SCHEMA_KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'items',
  'minItems',
  'maxItems',
]);

/** Refuses a model using a keyword the validator below does not know (it would pass silently). */
export function checkKeywords(schema: JsonSchema, at = '#'): void {
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key)) {
      throw new Error(`the API Gateway stand-in cannot validate JSON-schema keyword ${key} (at ${at})`);
    }
    if (key === 'properties') {
      for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>))
        checkKeywords(sub, `${at}/properties/${name}`);
    }
    if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object' && value)
      checkKeywords(value as JsonSchema, `${at}/${key}`);
  }
}

function typeMatches(type: unknown, value: unknown): boolean {
  if (Array.isArray(type)) return type.some((t) => typeMatches(t, value));
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** JSON schema draft 4, the keywords in SCHEMA_KEYWORDS. */
export function validates(schema: JsonSchema, value: unknown): boolean {
  const s = schema as Record<string, unknown>;
  if (!typeMatches(s.type, value)) return false;
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) return false;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.minLength === 'number' && length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && length > s.maxLength) return false;
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum))
      return false;
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum))
      return false;
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return false;
    if (typeof s.items === 'object' && s.items && !value.every((v) => validates(s.items as JsonSchema, v)))
      return false;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    if (Array.isArray(s.required) && !s.required.every((k) => Object.hasOwn(object, String(k)))) return false;
    for (const [key, v] of Object.entries(object)) {
      const sub = properties[key];
      if (sub) {
        if (!validates(sub, v)) return false;
      } else if (s.additionalProperties === false) {
        return false;
      } else if (typeof s.additionalProperties === 'object' && s.additionalProperties) {
        if (!validates(s.additionalProperties as JsonSchema, v)) return false;
      }
    }
  }
  return true;
}

/** The deployed Order model as a validator of a request body (its text). */
async function orderValidator(): Promise<(body: string) => boolean> {
  const { ORDER_MODEL } = await import('../infra/platform-definitions.js');
  const schema = ORDER_MODEL as unknown as JsonSchema;
  checkKeywords(schema);
  return (body) => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return false;
    }
    return validates(schema, json);
  };
}

// ---- SigV4 (the scope only) -----------------------------------------------------------------

/** Why API Gateway refuses an `AWS_IAM` request (403), or undefined when it is signed for `region`. */
function sigV4Refusal(request: IncomingMessage, url: URL, region: string): string | undefined {
  const authorization = request.headers.authorization;
  let credential: string | undefined;
  if (authorization !== undefined) {
    const credentialMatch = /(?:^|[\s,])Credential=([^,\s]+)/.exec(authorization);
    if (
      !authorization.startsWith('AWS4-HMAC-SHA256 ') ||
      !credentialMatch ||
      !/(?:^|[\s,])SignedHeaders=[^,\s]+/.test(authorization) ||
      !/(?:^|[\s,])Signature=[0-9a-f]+/.test(authorization)
    ) {
      return "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.";
    }
    if (request.headers['x-amz-date'] === undefined && request.headers.date === undefined) {
      return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
    }
    credential = credentialMatch[1];
  } else {
    credential = url.searchParams.get('X-Amz-Credential') ?? undefined;
    if (credential !== undefined && url.searchParams.get('X-Amz-Signature') === null) credential = undefined;
  }
  if (credential === undefined) return 'Missing Authentication Token';
  const [, date, scopeRegion, service, terminator] = credential.split('/');
  if (!date || !/^\d{8}$/.test(date) || terminator !== 'aws4_request' || scopeRegion !== region) {
    return 'Credential should be scoped to a valid region. ';
  }
  if (service !== 'execute-api') return "Credential should be scoped to correct service: 'execute-api'. ";
  return undefined;
}

// ---- the server -------------------------------------------------------------------------

export interface ApiGatewayStandInOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** The health Lambda's database probe: one PostgreSQL for both regions, or each region's own. */
  readonly dbUrl: string | ((region: string) => string);
  /**
   * Run the deployed request validator on `POST /orders` bodies (the stack's Order model).
   * Off only to test past a body the deployed API would refuse: today the Order model
   * (`orderId`, side `BUY`|`SELL`) and the trade processor's order (`clientOrderId`, side
   * `buy`|`sell`) accept no common body, so the drill's synthetic orders answer 400 here,
   * as they would on AWS. @default true
   */
  readonly validateOrders?: boolean;
  /** @default 0 (any free port) */
  readonly port?: number;
}

export interface ApiGatewayRequest {
  /** Epoch ms of the answer. */
  readonly at: number;
  readonly region: string;
  readonly method: string;
  /** The resource path (`/orders`), the stage's prefix left out. */
  readonly path: string;
  /** 0: the connection was reset (the region did not answer). */
  readonly status: number;
  readonly requestId: string;
  /** SQS's id of the message a POST /orders sent. */
  readonly messageId?: string;
}

export interface RunningApiGateway {
  readonly port: number;
  /**
   * `http://127.0.0.1:PORT/{region}/{restApiId}/{stage}`: the stage's invoke URL of the
   * region's order API, found when the stand-in started (a re-seeded sandbox has new ids).
   */
  baseUrl(region: string): string;
  /** The requests answered so far, oldest first (the last 10 000). */
  readonly requests: readonly ApiGatewayRequest[];
  /** Stops serving (open connections are closed), waits for requests in flight, closes the pools. */
  close(): Promise<void>;
}

const KEEP_REQUESTS = 10_000;
/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const ACCEPTED = (messageId: string, requestId: string) => ({ accepted: true, messageId, requestId });
const NOT_ACCEPTED = (requestId: string) => ({
  accepted: false,
  message: 'order not queued; retry with the same clientOrderId',
  requestId,
});

class Reset extends Error {}

/** Starts the stand-in; the order APIs of both regions must be seeded (and answer) now. */
export async function startApiGateway(options: ApiGatewayStandInOptions): Promise<RunningApiGateway> {
  const { clients, config } = options;
  const naming = new Naming(config);
  const regions = [config.regions.primary, config.regions.secondary];
  const stageName = naming.restApiStage();
  const stages = new OrderApiStages(clients, config);
  const apiIds: Record<string, string> = {};
  for (const region of regions) {
    const id = await stages.restApiId(region);
    if (!id)
      throw new Error(`the sandbox has no REST API ${naming.restApi(region)} in ${region}: seed it first`);
    apiIds[region] = id;
  }
  const validate = options.validateOrders === false ? undefined : await orderValidator();
  // Loaded here: the reader of the stage above is also used by the drill's Route 53
  // stand-in and the watchdog's probe, which need neither.
  const [{ DbPool, urlDbSettings }, { sandboxHealthHandler }, { functionClients, serviceRoleClients }] =
    await Promise.all([
      import('../lambdas/shared/db.js'),
      import('./health-handler.js'),
      import('./identity.js'),
    ]);
  const pools: DbPool[] = [];
  const health = new Map<string, (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>>();
  // Who calls what, as on AWS (./identity.ts): the /health function's code as its execution
  // role; the SQS integration as the API's integration role (`credentials` of the method).
  const roleClients: AwsClients[] = [];
  const integration = new Map<string, AwsClients>();
  for (const region of regions) {
    const url = typeof options.dbUrl === 'string' ? options.dbUrl : options.dbUrl(region);
    const db = new DbPool(urlDbSettings(url), { max: 2, connectionTimeoutMillis: 1000 });
    pools.push(db);
    const [own, sqsRole] = await Promise.all([
      functionClients(clients, config, 'health', region),
      serviceRoleClients(clients, {
        name: naming.role('api-sqs', region),
        service: 'apigateway.amazonaws.com',
        region,
      }),
    ]);
    roleClients.push(own, sqsRole);
    integration.set(region, sqsRole);
    health.set(region, sandboxHealthHandler({ clients: own, admin: clients, config, region, db }));
  }
  const integrationClients = (region: string): AwsClients => integration.get(region) ?? clients;

  const resourceCache = new Map<string, Promise<Resource[]>>();
  const resourcesOf = (region: string, restApiId: string): Promise<Resource[]> => {
    const key = `${region}/${restApiId}`;
    let found = resourceCache.get(key);
    if (!found) {
      found = clients
        .apiGateway(region)
        .getResources({ restApiId, limit: 500 })
        .then((out) => out.items ?? []);
      found.catch(() => resourceCache.delete(key));
      resourceCache.set(key, found);
    }
    return found;
  };
  const queueUrls = new Map<string, Promise<string>>();
  const queueUrlOf = (region: string, queueName: string): Promise<string> => {
    const key = `${region}/${queueName}`;
    let found = queueUrls.get(key);
    if (!found) {
      // The stand-in's own lookup (API Gateway addresses the queue by path, not by URL).
      found = clients
        .sqs(region)
        .getQueueUrl({ QueueName: queueName })
        .then((out) => {
          if (!out.QueueUrl) throw new Error(`queue ${queueName} has no URL`);
          return out.QueueUrl;
        });
      found.catch(() => queueUrls.delete(key));
      queueUrls.set(key, found);
    }
    return found;
  };
  /** A region's call: a transport failure means the region is down (reset the connection). */
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof RegionUnreachableError) throw new Reset(error.message, { cause: error });
      throw error;
    }
  };

  const requests: ApiGatewayRequest[] = [];
  const remember = (entry: ApiGatewayRequest) => {
    requests.push(entry);
    if (requests.length > KEEP_REQUESTS) requests.splice(0, requests.length - KEEP_REQUESTS);
  };

  const readBody = (request: IncomingMessage): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on('end', () =>
        resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
      );
      request.on('error', reject);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://api-gateway.local');
    const httpMethod = (request.method ?? 'GET').toUpperCase();
    const [region = '', restApiId = '', stage = '', ...rest] = url.pathname
      .split('/')
      .slice(1)
      .map((part) => {
        try {
          return decodeURIComponent(part);
        } catch {
          return part;
        }
      });
    const resourcePath = `/${rest.join('/')}`.replace(/(.)\/$/, '$1');
    let messageId: string | undefined;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        ...headers,
        'content-length': String(Buffer.byteLength(text)),
      });
      response.end(text);
      remember({
        at: Date.now(),
        region,
        method: httpMethod,
        path: resourcePath,
        status,
        requestId,
        ...(messageId ? { messageId } : {}),
      });
    };
    try {
      if (!regions.includes(region) || !restApiId || !stage) return answer(404, { message: 'Not Found' });
      const apigw = clients.apiGateway(region);
      let stageOut;
      try {
        stageOut = await call(() => apigw.getStage({ restApiId, stageName: stage }));
      } catch (error) {
        if (errorName(error) === 'NotFoundException') return answer(404, { message: 'Not Found' });
        throw error;
      }
      const resource = (await call(() => resourcesOf(region, restApiId))).find(
        (r) => r.path === resourcePath,
      );
      const method: Method | undefined =
        resource?.resourceMethods?.[httpMethod] ?? resource?.resourceMethods?.ANY;
      if (!method) return answer(403, { message: 'Missing Authentication Token' });
      if (zeroThrottle(stageOut.methodSettings, { resourcePath, httpMethod })) {
        return answer(429, { message: 'Too Many Requests' });
      }
      if (method.authorizationType === 'AWS_IAM') {
        const refusal = sigV4Refusal(request, url, region);
        if (refusal) return answer(403, { message: refusal });
      }
      const integration = method.methodIntegration;
      const sqsPath = /^arn:[^:]+:apigateway:[^:]+:sqs:path\/(\d+)\/([^/]+)$/.exec(integration?.uri ?? '');
      const lambdaArn = /:lambda:path\/[^/]+\/functions\/(arn:[^/]+)\/invocations$/.exec(
        integration?.uri ?? '',
      );
      if (integration?.type === 'AWS' && sqsPath?.[2]) {
        const body = await readBody(request);
        if (body === undefined) return answer(413, { message: 'Request Too Long' });
        const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim();
        if (contentType?.toLowerCase() !== 'application/json') {
          return answer(415, { message: 'Unsupported Media Type' });
        }
        if (validate && !validate(body)) return answer(400, { message: 'Invalid request body' });
        const queueName = sqsPath[2];
        try {
          const queueUrl = await call(() => queueUrlOf(region, queueName));
          const sent = await call(() =>
            integrationClients(region)
              .sqs(region)
              .sendMessage({
                QueueUrl: queueUrl,
                MessageBody: body,
                MessageAttributes: { apiRequestId: { DataType: 'String', StringValue: requestId } },
              }),
          );
          messageId = sent.MessageId ?? '';
        } catch (error) {
          if (error instanceof Reset) throw error;
          return answer(503, NOT_ACCEPTED(requestId));
        }
        return answer(200, ACCEPTED(messageId, requestId));
      }
      const functionName = lambdaArn?.[1]?.split(':function:')[1]?.split(':')[0];
      const healthHandler = health.get(region);
      if (
        integration?.type === 'AWS_PROXY' &&
        functionName === naming.lambda(region, 'health') &&
        healthHandler
      ) {
        request.resume();
        let result;
        try {
          result = await healthHandler({
            httpMethod,
            path: resourcePath,
            requestContext: { apiId: restApiId, stage },
          });
        } catch {
          return answer(502, { message: 'Internal server error' });
        }
        return answer(result.statusCode, result.body, result.headers);
      }
      return answer(500, { message: 'Internal server error' });
    } catch (error) {
      if (error instanceof Reset) {
        remember({ at: Date.now(), region, method: httpMethod, path: resourcePath, status: 0, requestId });
        response.socket?.destroy();
        return;
      }
      if (!response.headersSent) return answer(500, { message: 'Internal server error' });
      response.socket?.destroy();
    }
  }

  const inFlight = new Set<Promise<void>>();
  const server = createServer((request, response) => {
    const done = handle(request, response).catch(() => {
      response.socket?.destroy();
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });
  const port = await listenOnLoopback(server, options.port);
  let closing: Promise<void> | undefined;
  return {
    port,
    requests,
    baseUrl(region) {
      const id = apiIds[region];
      if (!id) throw new Error(`${region} is neither ${regions.join(' nor ')}`);
      return `http://127.0.0.1:${port}/${region}/${id}/${stageName}`;
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await Promise.all([...inFlight]);
        await Promise.all(pools.map((p) => p.end().catch(() => {})));
        for (const own of roleClients) own.destroy();
      })();
      return closing;
    },
  };
}

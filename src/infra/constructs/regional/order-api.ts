/**
 * The region's order API (REST, REGIONAL endpoint): `POST /orders` goes straight into
 * the orders queue (an AWS service integration, no Lambda on the intake path, so intake
 * keeps working while the database fails over), and `GET /health` is a proxy to the
 * health Lambda that Route 53 probes. One deployed stage with access logs (KMS), X-Ray,
 * throttling and no caching. The custom domains and base path mappings belong to the
 * global stack, which reads `restApi.id` and `stage.stageName`.
 */
import { createHash } from 'node:crypto';
import type * as ApiGatewayAccountModule from '@cdktf/provider-aws/lib/api-gateway-account/index.js';
import type * as ApiGatewayDeploymentModule from '@cdktf/provider-aws/lib/api-gateway-deployment/index.js';
import type * as ApiGatewayIntegrationModule from '@cdktf/provider-aws/lib/api-gateway-integration/index.js';
import type * as ApiGatewayIntegrationResponseModule from '@cdktf/provider-aws/lib/api-gateway-integration-response/index.js';
import type * as ApiGatewayMethodModule from '@cdktf/provider-aws/lib/api-gateway-method/index.js';
import type * as ApiGatewayMethodResponseModule from '@cdktf/provider-aws/lib/api-gateway-method-response/index.js';
import type * as ApiGatewayMethodSettingsModule from '@cdktf/provider-aws/lib/api-gateway-method-settings/index.js';
import type * as ApiGatewayModelModule from '@cdktf/provider-aws/lib/api-gateway-model/index.js';
import type * as ApiGatewayRequestValidatorModule from '@cdktf/provider-aws/lib/api-gateway-request-validator/index.js';
import type * as ApiGatewayResourceModule from '@cdktf/provider-aws/lib/api-gateway-resource/index.js';
import type * as ApiGatewayRestApiModule from '@cdktf/provider-aws/lib/api-gateway-rest-api/index.js';
import type * as ApiGatewayStageModule from '@cdktf/provider-aws/lib/api-gateway-stage/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as LambdaPermissionModule from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { Fn } from '../../cdktf.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { EncryptedLogGroup } from './log-group.js';
import { arn, policyDocument, serviceTrustPolicy, type ArnContext } from './policy.js';
import { InvalidPropsError, requireInt, requireNonEmpty } from './validate.js';
import { ORDER_API_THROTTLE, ORDER_MODEL } from '../../platform-definitions.js';

const { ApiGatewayAccount } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-account/index.js',
) as typeof ApiGatewayAccountModule;
const { ApiGatewayDeployment } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-deployment/index.js',
) as typeof ApiGatewayDeploymentModule;
const { ApiGatewayIntegration } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-integration/index.js',
) as typeof ApiGatewayIntegrationModule;
const { ApiGatewayIntegrationResponse } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-integration-response/index.js',
) as typeof ApiGatewayIntegrationResponseModule;
const { ApiGatewayMethod } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-method/index.js',
) as typeof ApiGatewayMethodModule;
const { ApiGatewayMethodResponse } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-method-response/index.js',
) as typeof ApiGatewayMethodResponseModule;
const { ApiGatewayMethodSettings } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-method-settings/index.js',
) as typeof ApiGatewayMethodSettingsModule;
const { ApiGatewayModel } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-model/index.js',
) as typeof ApiGatewayModelModule;
const { ApiGatewayRequestValidator } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-request-validator/index.js',
) as typeof ApiGatewayRequestValidatorModule;
const { ApiGatewayResource } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-resource/index.js',
) as typeof ApiGatewayResourceModule;
const { ApiGatewayRestApi } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-rest-api/index.js',
) as typeof ApiGatewayRestApiModule;
type ApiGatewayRestApi = ApiGatewayRestApiModule.ApiGatewayRestApi;
const { ApiGatewayStage } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-stage/index.js',
) as typeof ApiGatewayStageModule;
type ApiGatewayStage = ApiGatewayStageModule.ApiGatewayStage;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
const { LambdaPermission } = requireCjs(
  '@cdktf/provider-aws/lib/lambda-permission/index.js',
) as typeof LambdaPermissionModule;

/**
 * What `POST /orders` accepts (API Gateway validates before anything reaches the queue).
 * Deliberately loose beyond the fields the trade processor keys on: it validates the
 * rest itself and reports bad messages as batch item failures.
 */
export const DEFAULT_ORDER_SCHEMA = ORDER_MODEL;

/** SQS `SendMessage` as a form post; the API request id travels as a message attribute. */
const SEND_MESSAGE_TEMPLATE = [
  'Action=SendMessage',
  'MessageBody=$util.urlEncode($input.body)',
  'MessageAttribute.1.Name=apiRequestId',
  'MessageAttribute.1.Value.DataType=String',
  'MessageAttribute.1.Value.StringValue=$context.requestId',
].join('&');

const ACCEPTED_TEMPLATE =
  '{"accepted":true,"messageId":"$input.path(\'$.SendMessageResponse.SendMessageResult.MessageId\')","requestId":"$context.requestId"}';
const NOT_ACCEPTED_TEMPLATE =
  '{"accepted":false,"message":"order not queued; retry with the same clientOrderId","requestId":"$context.requestId"}';

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

export interface OrderApiProps {
  readonly apiName: string;
  readonly stageName: string;
  readonly region: string;
  readonly arnContext: ArnContext;
  readonly queue: { readonly name: string; readonly arn: string };
  readonly health: { readonly functionName: string; readonly invokeArn: string };
  readonly kmsKeyArn: string;
  readonly accessLogGroupName: string;
  /** Role API Gateway assumes to send to the queue. */
  readonly sqsRoleName: string;
  /**
   * The role API Gateway writes every API's logs with: one account-wide setting per region
   * (`aws_api_gateway_account`). A name: the role this construct creates (allowed to write
   * this API's log groups only) and makes the region's setting. Absent: the account's own
   * role (shared by its other APIs) is kept as it is, and must be allowed to write this
   * API's log groups.
   */
  readonly cloudWatchRoleName?: string;
  /** Who may post orders: `AWS_IAM` (SigV4-signed callers) or `NONE`. @default 'AWS_IAM' */
  readonly ordersAuthorization?: 'AWS_IAM' | 'NONE';
  /** JSON schema (draft 4) of an order. @default DEFAULT_ORDER_SCHEMA */
  readonly orderSchema?: Readonly<Record<string, unknown>>;
  /** Steady-state requests per second for the stage. @default 500 */
  readonly throttleRateLimit?: number;
  /** Burst for the stage. @default 1000 */
  readonly throttleBurstLimit?: number;
}

export class OrderApi extends Construct {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly sqsRole: IamRole;
  readonly accessLogs: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: OrderApiProps) {
    super(scope, id);
    requireNonEmpty('OrderApi', 'apiName', props.apiName);
    if (!/^[A-Za-z0-9_]{1,128}$/.test(props.stageName)) {
      throw new InvalidPropsError(
        'OrderApi',
        'stageName',
        props.stageName,
        'letters, digits and underscores',
      );
    }
    const rate = requireInt(
      'OrderApi',
      'throttleRateLimit',
      props.throttleRateLimit ?? ORDER_API_THROTTLE.rateLimit,
      1,
    );
    const burst = requireInt(
      'OrderApi',
      'throttleBurstLimit',
      props.throttleBurstLimit ?? ORDER_API_THROTTLE.burstLimit,
      1,
    );
    if (burst < rate)
      throw new InvalidPropsError(
        'OrderApi',
        'throttleBurstLimit',
        burst,
        `at least throttleRateLimit (${rate})`,
      );
    const authorization = props.ordersAuthorization ?? 'AWS_IAM';
    const schema = props.orderSchema ?? DEFAULT_ORDER_SCHEMA;
    const { accountId } = props.arnContext;

    this.restApi = new ApiGatewayRestApi(this, 'api', {
      name: props.apiName,
      description: 'Order intake: POST /orders → SQS, GET /health → health Lambda',
      endpointConfiguration: { types: ['REGIONAL'] },
      lifecycle: { createBeforeDestroy: true },
    });
    const apiId = this.restApi.id;

    // ---- POST /orders → SQS SendMessage ----------------------------------------------
    this.sqsRole = new IamRole(this, 'sqs-role', {
      name: props.sqsRoleName,
      assumeRolePolicy: serviceTrustPolicy('apigateway.amazonaws.com', accountId),
    });
    new IamRolePolicy(this, 'sqs-role-policy', {
      role: this.sqsRole.id,
      name: 'send-orders',
      policy: policyDocument(
        [
          { sid: 'SendOrders', actions: ['sqs:SendMessage'], resources: [props.queue.arn] },
          // The queue is encrypted with the regional key.
          {
            sid: 'EncryptOrders',
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: [props.kmsKeyArn],
          },
        ],
        'API Gateway SQS role',
      ),
    });
    const orders = new ApiGatewayResource(this, 'orders', {
      restApiId: apiId,
      parentId: this.restApi.rootResourceId,
      pathPart: 'orders',
    });
    const model = new ApiGatewayModel(this, 'order-model', {
      restApiId: apiId,
      name: 'Order',
      contentType: 'application/json',
      schema: JSON.stringify(schema),
    });
    const validator = new ApiGatewayRequestValidator(this, 'validator', {
      restApiId: apiId,
      name: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const postOrders = new ApiGatewayMethod(this, 'post-orders', {
      restApiId: apiId,
      resourceId: orders.id,
      httpMethod: 'POST',
      authorization,
      requestValidatorId: validator.id,
      requestModels: { 'application/json': model.name },
    });
    const sendMessage = new ApiGatewayIntegration(this, 'post-orders-sqs', {
      restApiId: apiId,
      resourceId: orders.id,
      httpMethod: postOrders.httpMethod,
      type: 'AWS',
      integrationHttpMethod: 'POST',
      uri: `arn:${props.arnContext.partition}:apigateway:${props.region}:sqs:path/${accountId}/${props.queue.name}`,
      credentials: this.sqsRole.arn,
      requestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
      requestTemplates: { 'application/json': SEND_MESSAGE_TEMPLATE },
      // Anything but JSON is refused (415) instead of being forwarded untemplated.
      passthroughBehavior: 'NEVER',
      timeoutMilliseconds: 5000,
    });
    const responses = [
      { status: '200', pattern: undefined, template: ACCEPTED_TEMPLATE },
      { status: '503', pattern: '[45]\\d{2}', template: NOT_ACCEPTED_TEMPLATE },
    ].map(({ status, pattern, template }) => {
      const methodResponse = new ApiGatewayMethodResponse(this, `post-orders-${status}`, {
        restApiId: apiId,
        resourceId: orders.id,
        httpMethod: postOrders.httpMethod,
        statusCode: status,
        responseModels: { 'application/json': 'Empty' },
      });
      return new ApiGatewayIntegrationResponse(this, `post-orders-sqs-${status}`, {
        restApiId: apiId,
        resourceId: orders.id,
        httpMethod: postOrders.httpMethod,
        statusCode: methodResponse.statusCode,
        ...(pattern ? { selectionPattern: pattern } : {}),
        responseTemplates: { 'application/json': template },
        dependsOn: [sendMessage],
      });
    });

    // ---- GET /health → health Lambda (proxy) -----------------------------------------
    const health = new ApiGatewayResource(this, 'health', {
      restApiId: apiId,
      parentId: this.restApi.rootResourceId,
      pathPart: 'health',
    });
    const getHealth = new ApiGatewayMethod(this, 'get-health', {
      restApiId: apiId,
      resourceId: health.id,
      httpMethod: 'GET',
      // Route 53 health checkers cannot sign requests: /health is public and reveals only healthy/unhealthy.
      authorization: 'NONE',
      requestValidatorId: validator.id,
    });
    const healthIntegration = new ApiGatewayIntegration(this, 'get-health-lambda', {
      restApiId: apiId,
      resourceId: health.id,
      httpMethod: getHealth.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: props.health.invokeArn,
      timeoutMilliseconds: 5000,
    });
    new LambdaPermission(this, 'health-invoke', {
      statementId: 'AllowApiGatewayGetHealth',
      action: 'lambda:InvokeFunction',
      functionName: props.health.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.restApi.executionArn}/*/GET/health`,
    });

    // ---- deployment and stage ----------------------------------------------------------
    const definition = createHash('sha256')
      .update(
        JSON.stringify({
          schema,
          authorization,
          SEND_MESSAGE_TEMPLATE,
          ACCEPTED_TEMPLATE,
          NOT_ACCEPTED_TEMPLATE,
        }),
      )
      .digest('hex');
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: apiId,
      description: 'Managed by dr',
      triggers: {
        definition,
        resources: Fn.sha1(
          Fn.jsonencode([
            orders.id,
            postOrders.id,
            sendMessage.id,
            health.id,
            getHealth.id,
            healthIntegration.id,
            model.id,
            validator.id,
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [sendMessage, healthIntegration, ...responses],
    });

    this.accessLogs = new EncryptedLogGroup(this, 'access-logs', {
      name: props.accessLogGroupName,
      kmsKeyArn: props.kmsKeyArn,
    });
    // API Gateway names its execution log group itself; creating it first gives it KMS and a retention.
    const executionLogs = new EncryptedLogGroup(this, 'execution-logs', {
      name: `API-Gateway-Execution-Logs_${apiId}/${props.stageName}`,
      kmsKeyArn: props.kmsKeyArn,
    });
    const account =
      props.cloudWatchRoleName !== undefined
        ? this.accountCloudWatchRole(props.cloudWatchRoleName, props, [
            this.accessLogs.arn,
            executionLogs.arn,
          ])
        : undefined;

    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: apiId,
      stageName: props.stageName,
      deploymentId: deployment.id,
      xrayTracingEnabled: true,
      // Orders must never be answered from a cache, and /health must be live.
      cacheClusterEnabled: false,
      accessLogSettings: { destinationArn: this.accessLogs.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [...(account ? [account] : []), executionLogs.logGroup],
    });
    new ApiGatewayMethodSettings(this, 'method-settings', {
      restApiId: apiId,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        // Request bodies are orders: never into the logs.
        dataTraceEnabled: false,
        cachingEnabled: false,
        cacheDataEncrypted: true,
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
      },
    });
  }

  /**
   * The region's account-wide API Gateway setting, pointed at a role of ours that may write
   * `logGroupArns` only. Replaces whatever role the setting named before (see `cloudWatchRoleName`).
   */
  private accountCloudWatchRole(roleName: string, props: OrderApiProps, logGroupArns: string[]) {
    const accountId = props.arnContext.accountId;
    const role = new IamRole(this, 'cloudwatch-role', {
      name: roleName,
      assumeRolePolicy: serviceTrustPolicy('apigateway.amazonaws.com', accountId),
    });
    const policy = new IamRolePolicy(this, 'cloudwatch-role-policy', {
      role: role.id,
      name: 'write-api-logs',
      policy: policyDocument(
        [
          {
            sid: 'WriteApiLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
          },
          {
            // DescribeLogGroups is authorized against the account's log-group space, not one group.
            sid: 'FindLogGroups',
            actions: ['logs:DescribeLogGroups'],
            resources: [arn(props.arnContext, 'logs', props.region, 'log-group:*')],
          },
        ],
        'API Gateway CloudWatch role',
      ),
    });
    return new ApiGatewayAccount(this, 'account', {
      cloudwatchRoleArn: role.arn,
      dependsOn: [policy],
    });
  }
}

/**
 * Narrow per-service interfaces: only the calls `dr` makes. Core modules depend on
 * these, never on an SDK client, so a test can pass a fake and a new call is one line
 * here plus one in the service module (src/aws/services/<service>.ts). A call read page by
 * page goes through `paginated(api)` (src/aws/paginate.ts): the SDK's paginator over the
 * real client, registered in the service module too.
 *
 * Type-only imports: nothing here loads an SDK package at run time.
 */
import type * as apigw from '@aws-sdk/client-api-gateway';
import type * as cw from '@aws-sdk/client-cloudwatch';
import type * as ddb from '@aws-sdk/client-dynamodb';
import type * as eb from '@aws-sdk/client-eventbridge';
import type * as iam from '@aws-sdk/client-iam';
import type * as lambda from '@aws-sdk/client-lambda';
import type * as rds from '@aws-sdk/client-rds';
import type * as rdsData from '@aws-sdk/client-rds-data';
import type * as r53 from '@aws-sdk/client-route-53';
import type * as s3 from '@aws-sdk/client-s3';
import type * as sm from '@aws-sdk/client-secrets-manager';
import type * as sfn from '@aws-sdk/client-sfn';
import type * as sns from '@aws-sdk/client-sns';
import type * as sqs from '@aws-sdk/client-sqs';
import type * as ssm from '@aws-sdk/client-ssm';
import type * as sts from '@aws-sdk/client-sts';

export interface SsmApi {
  putParameter(input: ssm.PutParameterCommandInput): Promise<ssm.PutParameterCommandOutput>;
  getParameter(input: ssm.GetParameterCommandInput): Promise<ssm.GetParameterCommandOutput>;
  getParametersByPath(
    input: ssm.GetParametersByPathCommandInput,
  ): Promise<ssm.GetParametersByPathCommandOutput>;
}

export interface SqsApi {
  createQueue(input: sqs.CreateQueueCommandInput): Promise<sqs.CreateQueueCommandOutput>;
  getQueueUrl(input: sqs.GetQueueUrlCommandInput): Promise<sqs.GetQueueUrlCommandOutput>;
  getQueueAttributes(input: sqs.GetQueueAttributesCommandInput): Promise<sqs.GetQueueAttributesCommandOutput>;
  sendMessage(input: sqs.SendMessageCommandInput): Promise<sqs.SendMessageCommandOutput>;
  receiveMessage(input: sqs.ReceiveMessageCommandInput): Promise<sqs.ReceiveMessageCommandOutput>;
  deleteMessageBatch(input: sqs.DeleteMessageBatchCommandInput): Promise<sqs.DeleteMessageBatchCommandOutput>;
}

export interface LambdaApi {
  createFunction(input: lambda.CreateFunctionCommandInput): Promise<lambda.CreateFunctionCommandOutput>;
  getFunction(input: lambda.GetFunctionCommandInput): Promise<lambda.GetFunctionCommandOutput>;
  updateFunctionCode(
    input: lambda.UpdateFunctionCodeCommandInput,
  ): Promise<lambda.UpdateFunctionCodeCommandOutput>;
  listEventSourceMappings(
    input: lambda.ListEventSourceMappingsCommandInput,
  ): Promise<lambda.ListEventSourceMappingsCommandOutput>;
  createEventSourceMapping(
    input: lambda.CreateEventSourceMappingCommandInput,
  ): Promise<lambda.CreateEventSourceMappingCommandOutput>;
  updateEventSourceMapping(
    input: lambda.UpdateEventSourceMappingCommandInput,
  ): Promise<lambda.UpdateEventSourceMappingCommandOutput>;
  putFunctionConcurrency(
    input: lambda.PutFunctionConcurrencyCommandInput,
  ): Promise<lambda.PutFunctionConcurrencyCommandOutput>;
  getFunctionConcurrency(
    input: lambda.GetFunctionConcurrencyCommandInput,
  ): Promise<lambda.GetFunctionConcurrencyCommandOutput>;
  deleteFunctionConcurrency(
    input: lambda.DeleteFunctionConcurrencyCommandInput,
  ): Promise<lambda.DeleteFunctionConcurrencyCommandOutput>;
  getEventSourceMapping(
    input: lambda.GetEventSourceMappingCommandInput,
  ): Promise<lambda.GetEventSourceMappingCommandOutput>;
}

export interface RdsApi {
  createGlobalCluster(
    input: rds.CreateGlobalClusterCommandInput,
  ): Promise<rds.CreateGlobalClusterCommandOutput>;
  createDBCluster(input: rds.CreateDBClusterCommandInput): Promise<rds.CreateDBClusterCommandOutput>;
  createDBInstance(input: rds.CreateDBInstanceCommandInput): Promise<rds.CreateDBInstanceCommandOutput>;
  describeGlobalClusters(
    input: rds.DescribeGlobalClustersCommandInput,
  ): Promise<rds.DescribeGlobalClustersCommandOutput>;
  describeDBClusters(input: rds.DescribeDBClustersCommandInput): Promise<rds.DescribeDBClustersCommandOutput>;
}

export interface DynamoDbApi {
  createTable(input: ddb.CreateTableCommandInput): Promise<ddb.CreateTableCommandOutput>;
  putItem(input: ddb.PutItemCommandInput): Promise<ddb.PutItemCommandOutput>;
  getItem(input: ddb.GetItemCommandInput): Promise<ddb.GetItemCommandOutput>;
  deleteItem(input: ddb.DeleteItemCommandInput): Promise<ddb.DeleteItemCommandOutput>;
  updateItem(input: ddb.UpdateItemCommandInput): Promise<ddb.UpdateItemCommandOutput>;
  updateTable(input: ddb.UpdateTableCommandInput): Promise<ddb.UpdateTableCommandOutput>;
  describeTable(input: ddb.DescribeTableCommandInput): Promise<ddb.DescribeTableCommandOutput>;
  updateContinuousBackups(
    input: ddb.UpdateContinuousBackupsCommandInput,
  ): Promise<ddb.UpdateContinuousBackupsCommandOutput>;
  describeContinuousBackups(
    input: ddb.DescribeContinuousBackupsCommandInput,
  ): Promise<ddb.DescribeContinuousBackupsCommandOutput>;
  updateTimeToLive(input: ddb.UpdateTimeToLiveCommandInput): Promise<ddb.UpdateTimeToLiveCommandOutput>;
}

export interface S3Api {
  createBucket(input: s3.CreateBucketCommandInput): Promise<s3.CreateBucketCommandOutput>;
  headBucket(input: s3.HeadBucketCommandInput): Promise<s3.HeadBucketCommandOutput>;
  putBucketVersioning(
    input: s3.PutBucketVersioningCommandInput,
  ): Promise<s3.PutBucketVersioningCommandOutput>;
  getBucketVersioning(
    input: s3.GetBucketVersioningCommandInput,
  ): Promise<s3.GetBucketVersioningCommandOutput>;
  putBucketReplication(
    input: s3.PutBucketReplicationCommandInput,
  ): Promise<s3.PutBucketReplicationCommandOutput>;
  getBucketReplication(
    input: s3.GetBucketReplicationCommandInput,
  ): Promise<s3.GetBucketReplicationCommandOutput>;
  putObject(input: s3.PutObjectCommandInput): Promise<s3.PutObjectCommandOutput>;
  headObject(input: s3.HeadObjectCommandInput): Promise<s3.HeadObjectCommandOutput>;
  deleteObject(input: s3.DeleteObjectCommandInput): Promise<s3.DeleteObjectCommandOutput>;
}

export interface Route53Api {
  createHostedZone(input: r53.CreateHostedZoneCommandInput): Promise<r53.CreateHostedZoneCommandOutput>;
  listHostedZonesByName(
    input: r53.ListHostedZonesByNameCommandInput,
  ): Promise<r53.ListHostedZonesByNameCommandOutput>;
  createHealthCheck(input: r53.CreateHealthCheckCommandInput): Promise<r53.CreateHealthCheckCommandOutput>;
  listHealthChecks(input: r53.ListHealthChecksCommandInput): Promise<r53.ListHealthChecksCommandOutput>;
  getHealthCheckStatus(
    input: r53.GetHealthCheckStatusCommandInput,
  ): Promise<r53.GetHealthCheckStatusCommandOutput>;
  changeResourceRecordSets(
    input: r53.ChangeResourceRecordSetsCommandInput,
  ): Promise<r53.ChangeResourceRecordSetsCommandOutput>;
  listResourceRecordSets(
    input: r53.ListResourceRecordSetsCommandInput,
  ): Promise<r53.ListResourceRecordSetsCommandOutput>;
  testDNSAnswer(input: r53.TestDNSAnswerCommandInput): Promise<r53.TestDNSAnswerCommandOutput>;
}

export interface SnsApi {
  createTopic(input: sns.CreateTopicCommandInput): Promise<sns.CreateTopicCommandOutput>;
  publish(input: sns.PublishCommandInput): Promise<sns.PublishCommandOutput>;
}

export interface CloudWatchApi {
  putMetricAlarm(input: cw.PutMetricAlarmCommandInput): Promise<cw.PutMetricAlarmCommandOutput>;
  describeAlarms(input: cw.DescribeAlarmsCommandInput): Promise<cw.DescribeAlarmsCommandOutput>;
  getMetricData(input: cw.GetMetricDataCommandInput): Promise<cw.GetMetricDataCommandOutput>;
  putMetricData(input: cw.PutMetricDataCommandInput): Promise<cw.PutMetricDataCommandOutput>;
}

export interface EventBridgeApi {
  createEventBus(input: eb.CreateEventBusCommandInput): Promise<eb.CreateEventBusCommandOutput>;
  describeEventBus(input: eb.DescribeEventBusCommandInput): Promise<eb.DescribeEventBusCommandOutput>;
  putRule(input: eb.PutRuleCommandInput): Promise<eb.PutRuleCommandOutput>;
  putTargets(input: eb.PutTargetsCommandInput): Promise<eb.PutTargetsCommandOutput>;
  putEvents(input: eb.PutEventsCommandInput): Promise<eb.PutEventsCommandOutput>;
}

export interface SfnApi {
  createStateMachine(input: sfn.CreateStateMachineCommandInput): Promise<sfn.CreateStateMachineCommandOutput>;
  listStateMachines(input: sfn.ListStateMachinesCommandInput): Promise<sfn.ListStateMachinesCommandOutput>;
  startExecution(input: sfn.StartExecutionCommandInput): Promise<sfn.StartExecutionCommandOutput>;
  describeExecution(input: sfn.DescribeExecutionCommandInput): Promise<sfn.DescribeExecutionCommandOutput>;
  listExecutions(input: sfn.ListExecutionsCommandInput): Promise<sfn.ListExecutionsCommandOutput>;
  getExecutionHistory(
    input: sfn.GetExecutionHistoryCommandInput,
  ): Promise<sfn.GetExecutionHistoryCommandOutput>;
}

export interface IamApi {
  createRole(input: iam.CreateRoleCommandInput): Promise<iam.CreateRoleCommandOutput>;
  getRole(input: iam.GetRoleCommandInput): Promise<iam.GetRoleCommandOutput>;
  /** The permission check (src/core/checks/permissions.ts): may a DR role make its path's calls? */
  simulatePrincipalPolicy(
    input: iam.SimulatePrincipalPolicyCommandInput,
  ): Promise<iam.SimulatePrincipalPolicyCommandOutput>;
}

export interface StsApi {
  getCallerIdentity(input: sts.GetCallerIdentityCommandInput): Promise<sts.GetCallerIdentityCommandOutput>;
  assumeRole(input: sts.AssumeRoleCommandInput): Promise<sts.AssumeRoleCommandOutput>;
}

export interface SecretsManagerApi {
  createSecret(input: sm.CreateSecretCommandInput): Promise<sm.CreateSecretCommandOutput>;
  describeSecret(input: sm.DescribeSecretCommandInput): Promise<sm.DescribeSecretCommandOutput>;
  getSecretValue(input: sm.GetSecretValueCommandInput): Promise<sm.GetSecretValueCommandOutput>;
  putSecretValue(input: sm.PutSecretValueCommandInput): Promise<sm.PutSecretValueCommandOutput>;
}

export interface ApiGatewayApi {
  createRestApi(input: apigw.CreateRestApiCommandInput): Promise<apigw.CreateRestApiCommandOutput>;
  getRestApis(input: apigw.GetRestApisCommandInput): Promise<apigw.GetRestApisCommandOutput>;
  getResources(input: apigw.GetResourcesCommandInput): Promise<apigw.GetResourcesCommandOutput>;
  createResource(input: apigw.CreateResourceCommandInput): Promise<apigw.CreateResourceCommandOutput>;
  putMethod(input: apigw.PutMethodCommandInput): Promise<apigw.PutMethodCommandOutput>;
  putIntegration(input: apigw.PutIntegrationCommandInput): Promise<apigw.PutIntegrationCommandOutput>;
  createDeployment(input: apigw.CreateDeploymentCommandInput): Promise<apigw.CreateDeploymentCommandOutput>;
  getStage(input: apigw.GetStageCommandInput): Promise<apigw.GetStageCommandOutput>;
  updateStage(input: apigw.UpdateStageCommandInput): Promise<apigw.UpdateStageCommandOutput>;
  /** The region's account-wide settings (its CloudWatch role). */
  getAccount(input: apigw.GetAccountCommandInput): Promise<apigw.GetAccountCommandOutput>;
}

export interface RdsDataApi {
  executeStatement(
    input: rdsData.ExecuteStatementCommandInput,
  ): Promise<rdsData.ExecuteStatementCommandOutput>;
  /** Deploy's database step runs each migration file in one transaction (src/core/deploy/data-api-sql.ts). */
  beginTransaction(
    input: rdsData.BeginTransactionCommandInput,
  ): Promise<rdsData.BeginTransactionCommandOutput>;
  commitTransaction(
    input: rdsData.CommitTransactionCommandInput,
  ): Promise<rdsData.CommitTransactionCommandOutput>;
  rollbackTransaction(
    input: rdsData.RollbackTransactionCommandInput,
  ): Promise<rdsData.RollbackTransactionCommandOutput>;
}

/** Every service the factory builds, by the getter name on `AwsClients`. */
export interface ServiceApis {
  ssm: SsmApi;
  sqs: SqsApi;
  lambda: LambdaApi;
  rds: RdsApi;
  dynamodb: DynamoDbApi;
  s3: S3Api;
  route53: Route53Api;
  sns: SnsApi;
  cloudwatch: CloudWatchApi;
  eventbridge: EventBridgeApi;
  sfn: SfnApi;
  iam: IamApi;
  sts: StsApi;
  secretsManager: SecretsManagerApi;
  apiGateway: ApiGatewayApi;
  rdsData: RdsDataApi;
}

export type ServiceName = keyof ServiceApis;

/** The parts of the Lambda event shapes the functions use (no @types/aws-lambda needed). */

export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
  readonly eventSourceARN?: string;
}

export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface ApiGatewayProxyEvent {
  readonly httpMethod?: string;
  readonly path?: string;
  readonly requestContext?: { readonly apiId?: string; readonly stage?: string };
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

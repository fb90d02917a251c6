/**
 * IAM SimulatePrincipalPolicy in the emulator (test/emulator/dr_emulator/iam_simulate.py,
 * moto lacks it), over HTTP with the AWS SDK: a role's inline and attached policies,
 * Action/NotAction, Resource/NotResource, wildcards, explicit deny over allow, and the
 * condition operators our policies use, with AWS's answer shape.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  type ContextEntry,
} from '@aws-sdk/client-iam';
import { testClient, useEmulator } from './client.js';

useEmulator();

const ROLE = 'trading-prod-operator';
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PARAM = (name: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/trading-prod/${name}`;
let iam: IAMClient;

const region = (r: string): ContextEntry => ({
  ContextKeyName: 'aws:RequestedRegion',
  ContextKeyValues: [r],
  ContextKeyType: 'string',
});

async function simulate(
  actions: string[],
  resources?: string[],
  context: ContextEntry[] = [region('us-east-1')],
) {
  const out = await iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: ROLE_ARN,
      ActionNames: actions,
      ...(resources ? { ResourceArns: resources } : {}),
      ContextEntries: context,
    }),
  );
  return out.EvaluationResults ?? [];
}

/** `<action> <resource> <decision>` per resource (ResourceSpecificResults). */
const decisions = (results: Awaited<ReturnType<typeof simulate>>) =>
  results.flatMap((r) =>
    (r.ResourceSpecificResults ?? []).map(
      (s) => `${r.EvalActionName} ${s.EvalResourceName} ${s.EvalResourceDecision}`,
    ),
  );

beforeEach(async () => {
  iam = testClient(IAMClient, 'us-east-1');
  await iam.send(
    new CreateRoleCommand({
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'dr-operator',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Read',
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:GetParametersByPath'],
            Resource: PARAM('*'),
          },
          {
            Sid: 'Decrypt',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: KEY,
            Condition: { StringEquals: { 'kms:ViaService': ['ssm.us-east-1.amazonaws.com'] } },
          },
          {
            Sid: 'Canary',
            Effect: 'Allow',
            Action: 'dynamodb:PutItem',
            Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/trading-prod-sessions`,
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['canary#*'] } },
          },
          { Sid: 'NoEpochWrites', Effect: 'Deny', Action: 'ssm:Put*', Resource: PARAM('epoch') },
          { Sid: 'Writes', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: PARAM('??och') },
          {
            Sid: 'OnlyPlatformRegions',
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2'] } },
          },
        ],
      }),
    }),
  );
});

describe('emulator: IAM SimulatePrincipalPolicy', () => {
  it("answers per action, each resource's decision in ResourceSpecificResults, naming the matching policy", async () => {
    // When a granted and an ungranted action are simulated on two resources
    const results = await simulate(
      ['ssm:GetParameter', 'ssm:DeleteParameter'],
      [PARAM('epoch'), PARAM('active-region')],
    );

    // Then each pair has its decision: allowed by dr-operator, or no statement (implicitDeny)
    assert.deepEqual(decisions(results), [
      `ssm:GetParameter ${PARAM('epoch')} allowed`,
      `ssm:GetParameter ${PARAM('active-region')} allowed`,
      `ssm:DeleteParameter ${PARAM('epoch')} implicitDeny`,
      `ssm:DeleteParameter ${PARAM('active-region')} implicitDeny`,
    ]);
    // And one result per action, its top level the decision across the resources
    assert.deepEqual(
      results.map((r) => [r.EvalActionName, r.EvalDecision]),
      [
        ['ssm:GetParameter', 'allowed'],
        ['ssm:DeleteParameter', 'implicitDeny'],
      ],
    );
    assert.deepEqual(
      results[0]?.MatchedStatements?.map((m) => [m.SourcePolicyId, m.SourcePolicyType]),
      [['dr-operator', 'IAM Policy']],
    );
    assert.deepEqual(results[1]?.MatchedStatements, []);
  });

  it('an explicit deny wins over an allow; `?` matches one character', async () => {
    const results = await simulate(['ssm:PutParameter'], [PARAM('epoch'), PARAM('xyoch'), PARAM('xxepoch')]);
    assert.deepEqual(decisions(results), [
      `ssm:PutParameter ${PARAM('epoch')} explicitDeny`,
      `ssm:PutParameter ${PARAM('xyoch')} allowed`,
      `ssm:PutParameter ${PARAM('xxepoch')} implicitDeny`,
    ]);
    // The top level is the most restrictive decision across the resources
    assert.equal(results[0]?.EvalDecision, 'explicitDeny');
    assert.deepEqual(
      results[0]?.MatchedStatements?.map((m) => m.SourcePolicyId),
      ['dr-operator'],
    );
  });

  it('conditions: a missing key denies an Allow (reported missing) and triggers a negated Deny', async () => {
    const via = (service: string): ContextEntry => ({
      ContextKeyName: 'kms:ViaService',
      ContextKeyValues: [`${service}.us-east-1.amazonaws.com`],
      ContextKeyType: 'string',
    });
    // Through SSM: allowed; through S3: no statement applies
    assert.deepEqual(decisions(await simulate(['kms:Decrypt'], [KEY], [region('us-east-1'), via('ssm')])), [
      `kms:Decrypt ${KEY} allowed`,
    ]);
    assert.deepEqual(decisions(await simulate(['kms:Decrypt'], [KEY], [region('us-east-1'), via('s3')])), [
      `kms:Decrypt ${KEY} implicitDeny`,
    ]);
    // Without kms:ViaService in the context: implicitDeny, the key named as missing
    const missing = await simulate(['kms:Decrypt'], [KEY]);
    assert.equal(missing[0]?.EvalDecision, 'implicitDeny');
    assert.equal(missing[0]?.EvalResourceName, KEY);
    assert.deepEqual(missing[0]?.MissingContextValues, ['kms:ViaService']);
    // Outside the platform's regions, and without any region: the StringNotEquals Deny applies
    assert.equal(
      (await simulate(['ssm:GetParameter'], [PARAM('epoch')], [region('eu-west-1')]))[0]?.EvalDecision,
      'explicitDeny',
    );
    assert.equal(
      (await simulate(['ssm:GetParameter'], [PARAM('epoch')], []))[0]?.EvalDecision,
      'explicitDeny',
    );
  });

  it('ForAllValues:StringLike over a list key (dynamodb:LeadingKeys)', async () => {
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/trading-prod-sessions`;
    const keys = (...values: string[]): ContextEntry => ({
      ContextKeyName: 'dynamodb:LeadingKeys',
      ContextKeyValues: values,
      ContextKeyType: 'stringList',
    });
    const decide = async (...values: string[]) =>
      (await simulate(['dynamodb:PutItem'], [table], [region('us-east-1'), keys(...values)]))[0]
        ?.EvalDecision;
    assert.equal(await decide('canary#1'), 'allowed');
    assert.equal(await decide('canary#1', 'session#2'), 'implicitDeny');
  });

  it('attached managed policies count, and NotAction/NotResource are honoured', async () => {
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'trading-prod-operator-drill',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              NotAction: 'lambda:Delete*',
              Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:trading-*`,
            },
            {
              Effect: 'Allow',
              Action: 'sns:Publish',
              NotResource: `arn:aws:sns:us-east-1:${ACCOUNT}:secret-topic`,
            },
          ],
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: policy.Policy?.Arn }));
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:trading-prod-use1-health`;
    const results = await simulate(['lambda:GetFunction', 'lambda:DeleteFunction'], [fn]);
    assert.deepEqual(decisions(results), [
      `lambda:GetFunction ${fn} allowed`,
      `lambda:DeleteFunction ${fn} implicitDeny`,
    ]);
    assert.deepEqual(
      results[0]?.MatchedStatements?.map((m) => m.SourcePolicyId),
      [policy.Policy?.Arn],
    );
    const topic = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;
    assert.deepEqual(decisions(await simulate(['sns:Publish'], [topic('alarms'), topic('secret-topic')])), [
      `sns:Publish ${topic('alarms')} allowed`,
      `sns:Publish ${topic('secret-topic')} implicitDeny`,
    ]);
  });

  it('an unknown role is NoSuchEntity', async () => {
    await assert.rejects(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/nobody`,
          ActionNames: ['ssm:GetParameter'],
        }),
      ),
      (error: Error) => error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity',
    );
  });
});

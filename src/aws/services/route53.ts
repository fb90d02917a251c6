import type * as AwsSdkClientRoute53Module from '@aws-sdk/client-route-53';
import type { Route53Api } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  Route53Client,
  CreateHostedZoneCommand,
  ListHostedZonesByNameCommand,
  CreateHealthCheckCommand,
  ListHealthChecksCommand,
  GetHealthCheckStatusCommand,
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  TestDNSAnswerCommand,
  paginateListHealthChecks,
} = requireCjs('@aws-sdk/client-route-53') as typeof AwsSdkClientRoute53Module;

export function create(settings: ClientSettings): Route53Api & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new Route53Client({ ...sdkConfig(settings) });
  return {
    createHostedZone: (input) => client.send(new CreateHostedZoneCommand(input)),
    listHostedZonesByName: (input) => client.send(new ListHostedZonesByNameCommand(input)),
    createHealthCheck: (input) => client.send(new CreateHealthCheckCommand(input)),
    listHealthChecks: (input) => client.send(new ListHealthChecksCommand(input)),
    getHealthCheckStatus: (input) => client.send(new GetHealthCheckStatusCommand(input)),
    changeResourceRecordSets: (input) => client.send(new ChangeResourceRecordSetsCommand(input)),
    listResourceRecordSets: (input) => client.send(new ListResourceRecordSetsCommand(input)),
    testDNSAnswer: (input) => client.send(new TestDNSAnswerCommand(input)),
    [PAGINATE]: sdkPaginate(client, { listHealthChecks: paginateListHealthChecks }),
    destroy: () => client.destroy(),
  };
}

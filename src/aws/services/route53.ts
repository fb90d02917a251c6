import {
  Route53Client,
  CreateHostedZoneCommand,
  ListHostedZonesByNameCommand,
  CreateHealthCheckCommand,
  ListHealthChecksCommand,
  GetHealthCheckStatusCommand,
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import type { Route53Api } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';

export function create(settings: ClientSettings): Route53Api & { destroy(): void } {
  const client = new Route53Client({ ...sdkConfig(settings) });
  return {
    createHostedZone: (input) => client.send(new CreateHostedZoneCommand(input)),
    listHostedZonesByName: (input) => client.send(new ListHostedZonesByNameCommand(input)),
    createHealthCheck: (input) => client.send(new CreateHealthCheckCommand(input)),
    listHealthChecks: (input) => client.send(new ListHealthChecksCommand(input)),
    getHealthCheckStatus: (input) => client.send(new GetHealthCheckStatusCommand(input)),
    changeResourceRecordSets: (input) => client.send(new ChangeResourceRecordSetsCommand(input)),
    listResourceRecordSets: (input) => client.send(new ListResourceRecordSetsCommand(input)),
    destroy: () => client.destroy(),
  };
}

"""DR extension of the local AWS emulator.

TEST INFRASTRUCTURE for moto's gaps, never product code: nothing in src/ depends on it.
It is loaded into the moto server process by test/emulator/server.py and fills exactly
what the DR tests and `dr sandbox` need and moto 5.2.5 lacks:

- rds.py:      SwitchoverGlobalCluster, FailoverGlobalCluster (AllowDataLoss)
- dynamodb.py: global-table replicas (UpdateTable ReplicaUpdates) and item replication
- s3.py:       replication of new objects to the destination bucket, x-amz-replication-status
- route53.py:  a forced GetHealthCheckStatus; TestDNSAnswer (failover follows health checks)
- awslambda.py: reserved concurrency 0 throttles Invoke and shows in GetFunction
- rdsdata.py:  RDS Data API ExecuteStatement that runs the SQL on a mapped PostgreSQL
- stepfunctions.py: AWS's aws-sdk integration service names (rdsdata, eventbridge)
- events.py:   a forwarded EventBridge event keeps its region (no forwarding loop)
- metrics.py:  AuroraGlobalDBReplicationLag for reader members (opt-in)
- sqs.py:      no built-in SQS → Lambda trigger (it deleted messages no code processed)
- provider.py: what the Terraform AWS provider calls and moto lacks (sandbox deploy)
- gateway.py:  the region outage switch and the unsigned /dr-emulator/* control endpoint
"""

from . import awslambda, dynamodb, events, gateway, metrics, provider, rds, rdsdata, route53, s3, sqs, state, stepfunctions


def install() -> None:
    state.RESET_HOOKS.append(dynamodb.reset)
    state.RESET_HOOKS.append(rdsdata.reset)
    gateway.install()
    rds.install()
    rdsdata.install()
    dynamodb.install()
    s3.install()
    route53.install()
    stepfunctions.install()
    events.install()
    metrics.install()
    sqs.install()
    awslambda.install()
    provider.install()

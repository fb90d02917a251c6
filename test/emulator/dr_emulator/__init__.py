"""DR extension of the local AWS emulator.

TEST INFRASTRUCTURE for moto's gaps, never product code: nothing in src/ depends on it.
It is loaded into the moto server process by test/emulator/server.py and fills exactly
what the DR tests and `dr sandbox` need and moto 5.2.5 lacks:

- rds.py:      SwitchoverGlobalCluster, FailoverGlobalCluster (AllowDataLoss); no RDS-managed
               master password in a global database (AWS rule); global cluster
               database name and tags, Data API on provisioned clusters, Performance Insights
- dynamodb.py: global-table replicas (UpdateTable ReplicaUpdates, their KMS keys) and item
               replication
- s3.py:       replication of new objects to the destination bucket, x-amz-replication-status
- transport.py: TLS-only bucket policies: a request counts as HTTPS (aws:SecureTransport true)
- route53.py:  a forced GetHealthCheckStatus; TestDNSAnswer (failover follows health checks);
               DNSSEC key-signing keys and signing; query logging to a log group ARN without ":*"
- backup.py:   AWS Backup selections (CreateBackupSelection, Get/List/DeleteBackupSelection);
               ListTags of an ARN without the trailing slash
- awslambda.py: reserved concurrency 0 throttles Invoke and shows in GetFunction; a function's
               DeadLetterConfig and LoggingConfig
- iam.py:      AWS managed policies (loaded, see server.py) built once, not at every reset
- iam_simulate.py: SimulatePrincipalPolicy over a role's inline and attached policies
- ec2.py:      the description of a security group rule that references a group or prefix list
- secretsmanager.py: a secret replica's own KMS key
- rdsdata.py:  RDS Data API ExecuteStatement that runs the SQL on a mapped PostgreSQL
- stepfunctions.py: AWS's aws-sdk integration service names (rdsdata, eventbridge)
- events.py:   a forwarded EventBridge event keeps its region (no forwarding loop)
- metrics.py:  AuroraGlobalDBReplicationLag for reader members (opt-in)
- sqs.py:      no built-in SQS → Lambda trigger (it deleted messages no code processed)
- acm.py:      a DNS-validated certificate is issued once its validation CNAMEs are in Route 53
- provider.py: what the Terraform AWS provider calls and moto lacks (sandbox deploy)
- replay.py:   a retried SDK request gets the answer its first attempt was given
- snapshot.py: snapshots of everything held, restored per test file (one deploy per run)
- auth.py:     IAM enforcement: SigV4-signed requests of known keys, identity policies, trust
               policies; Step Functions tasks and service credentials run as their roles
- gateway.py:  the region outage switch and the unsigned /dr-emulator/* control endpoint
"""

from . import (
    acm,
    auth,
    awslambda,
    backup,
    dynamodb,
    ec2,
    events,
    gateway,
    iam,
    iam_simulate,
    metrics,
    provider,
    rds,
    rdsdata,
    replay,
    route53,
    s3,
    secretsmanager,
    sqs,
    state,
    stepfunctions,
    transport,
)


def install() -> None:
    state.RESET_HOOKS.append(dynamodb.reset)
    state.RESET_HOOKS.append(rdsdata.reset)
    state.RESET_HOOKS.append(replay.forget)
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
    backup.install()
    ec2.install()
    iam.install()
    iam_simulate.install()
    secretsmanager.install()
    acm.install()
    provider.install()
    transport.install()
    auth.install()

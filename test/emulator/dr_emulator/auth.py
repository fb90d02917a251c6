"""IAM enforcement: every AWS request is authenticated and authorized, as AWS does.

On AWS every request is signed (SigV4) with a key of a principal: the account's root user,
an IAM user's access key, or temporary credentials of a role session (STS). AWS checks the
signature, then evaluates the principal's policies against the action, the resource the
request names and the request's context; anything not allowed is denied. AWS services that
act with a role (Step Functions, Lambda) assume it through STS, as its trust policy allows.

What the emulator does when ``DR_EMULATOR_ROOT_CREDENTIALS=ACCESS_KEY_ID:SECRET`` is set
(unset: nothing is enforced, moto's default):

- Authentication: the key is the root pair, an IAM user's active access key, or an STS
  session of moto's sts backend (its session token must match). An unknown key, a wrong token
  or a wrong signature is refused with the service's usual error (InvalidClientTokenId /
  UnrecognizedClientException, SignatureDoesNotMatch / InvalidSignatureException, S3's
  InvalidAccessKeyId...). The SigV4 signature is computed by moto's own machinery
  (``IAMRequestBase.check_signature``, botocore's signer), for every request class: query,
  JSON, REST, and S3 with ``x-amz-content-sha256`` (hashed, UNSIGNED-PAYLOAD or STREAMING-*:
  the header's value is what was signed). Unsigned requests and presigned URLs are refused.
  One class is accepted on its key alone: a gzip-compressed body (the SDKs' request
  compression, e.g. CloudWatch PutMetricData over 10 KB), which moto decompresses before
  anything here can read the bytes that were signed.
- Authorization: root may do anything (its requests count as MFA-authenticated). Any other
  principal is evaluated against its identity policies only (a role's or user's inline and
  attached policies; no resource policies, SCPs or boundaries), by iam_simulate.evaluate:
  an applying Deny wins, then an Allow, else implicit deny → AccessDenied naming the
  principal, the action and the resource. ``sts:GetCallerIdentity`` is always allowed.
- The resource of a request comes from its parameters by one table (RESOURCES: action →
  ARNs; region from the SigV4 scope, account from moto's current account), every resource
  of a request must be allowed. S3 requests use the bucket/object moto names. An action
  missing from the table is evaluated against ``*`` literally (only a ``Resource: "*"``
  statement can allow it) and recorded: GET /dr-emulator/iam/unresolved.
- Request context: aws:RequestedRegion (the SigV4 scope; IAM and Route 53 count as
  us-east-1), aws:SecureTransport true (transport.py), aws:PrincipalArn,
  aws:PrincipalAccount, aws:MultiFactorAuthPresent (root only), and the service keys our
  policies test: cloudwatch:namespace (PutMetricData), dynamodb:LeadingKeys (item calls),
  lambda:FunctionArn (UpdateEventSourceMapping). Not modelled: the KMS calls AWS services make
  for their caller (kms:ViaService, kms:EncryptionContext): no such call is made here.
- sts:AssumeRole needs the identity permission (root has it) and the role's trust policy must
  name the caller: its ARN, its role (for a session), or the account root / account id, which
  stand for any principal of the account; trust conditions see the caller's context
  (aws:MultiFactorAuthPresent, aws:PrincipalArn) and sts:ExternalId.
- Services acting with a role: a Step Functions ``aws-sdk:*`` (or other) task calls back into
  this server with temporary credentials of the state machine's role, issued as the service
  does (the trust policy must allow states.amazonaws.com, aws:SourceAccount the role's
  account); POST /dr-emulator/service-credentials issues them for any service principal (the
  sandbox's Lambda runner and watchdog run each function as its role with them).
- Snapshots: STS sessions and IAM keys live in moto's sts/iam backends, which snapshot.py
  copies: a session issued before a snapshot authenticates after its restore; one issued after
  the snapshot is gone with the restore (assume again). The root pair is the process's.

Not covered: apigateway ``GET /restapis/`` (moto answers it outside its dispatcher) and SNS's
signing-certificate URL are not checked.

Control endpoints (unsigned, gateway.py's /dr-emulator/):
  GET  /dr-emulator/iam/unresolved   -> {"unresolved": [{"principal", "action"}]}
  POST /dr-emulator/service-credentials {"roleArn", "service": "lambda.amazonaws.com",
        "region", "sourceArn"?} -> {accessKeyId, secretAccessKey, sessionToken, expiration}
        or 403 {"error": reason} when the role's trust policy does not allow the service
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import camelcase_to_underscores, get_service_model, utcnow
from moto.iam.access_control import IAMRequest, S3IAMRequest
from moto.iam.exceptions import NotFoundException
from moto.iam.models import iam_backends
from moto.settings import moto_server_port
from moto.sts.models import sts_backends

from . import gateway, iam_simulate

PARTITION = "aws"
ALLOWED = iam_simulate.ALLOWED


def _root() -> tuple[str, str] | None:
    raw = os.environ.get("DR_EMULATOR_ROOT_CREDENTIALS")
    if not raw:
        return None
    key, _, secret = raw.partition(":")
    return key, secret


@dataclass(frozen=True)
class Principal:
    account: str
    arn: str  # as AWS names the caller (a session: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)
    principal_arn: str  # aws:PrincipalArn (a session: its role's ARN)
    access_key_id: str
    secret: str
    token: str | None
    is_root: bool = False
    entity: Any = None  # the moto Role or User whose policies apply

    def create_credentials(self) -> Credentials:  # what moto's signature check asks of a key
        return Credentials(self.access_key_id, self.secret, self.token)


class Refused(Exception):
    """A request refused: kind is unknown-key, bad-token, signature, unsigned or denied."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


class AuthError(ServiceException):
    """A refusal in the service's own error format (defined outside moto's packages, so moto's
    serializer looks its code up in the called service's model only)."""


MESSAGES = {
    "unknown-key": "The security token included in the request is invalid.",
    "bad-token": "The security token included in the request is invalid.",
    "signature": "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    "unsigned": "Request is missing Authentication Token",
}
# kind -> (code for JSON protocols, code for query / XML protocols)
CODES = {
    "unknown-key": ("UnrecognizedClientException", "InvalidClientTokenId"),
    "bad-token": ("UnrecognizedClientException", "InvalidClientTokenId"),
    "signature": ("InvalidSignatureException", "SignatureDoesNotMatch"),
    "unsigned": ("MissingAuthenticationTokenException", "MissingAuthenticationToken"),
    "denied": ("AccessDeniedException", "AccessDenied"),
}
EC2_CODES = {"denied": "UnauthorizedOperation", "unsigned": "AuthFailure"}

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


# ---- authentication -----------------------------------------------------------------------


def _find_principal(account: str, key_id: str, token: str | None) -> Principal:
    root = _root()
    if root and key_id == root[0]:
        if token:
            raise Refused("bad-token", MESSAGES["bad-token"])
        return Principal(account, f"arn:{PARTITION}:iam::{account}:root", f"arn:{PARTITION}:iam::{account}:root",
                         key_id, root[1], None, is_root=True)
    iam = iam_backends[account][PARTITION]
    for user in iam.users.values():
        for key in user.access_keys:
            if key.access_key_id == key_id and key.status == "Active":
                if token:
                    raise Refused("bad-token", MESSAGES["bad-token"])
                return Principal(account, user.arn, user.arn, key_id, key.secret_access_key, None, entity=user)
    session = sts_backends[account][PARTITION].get_assumed_role_from_access_key(key_id)
    if session is None:
        raise Refused("unknown-key", MESSAGES["unknown-key"])
    if token != session.session_token or session.expiration < utcnow():
        raise Refused("bad-token", MESSAGES["bad-token"])
    role_name = session.role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role_by_arn(session.role_arn)
    except NotFoundException:
        role = None  # deleted since: no policies, everything denied
    return Principal(account, f"arn:{PARTITION}:sts::{account}:assumed-role/{role_name}/{session.session_name}",
                     session.role_arn, key_id, session.secret_access_key, session.session_token, entity=role)


def _authenticate(response: BaseResponse, request_cls: type) -> tuple[Principal, str, str]:
    """The request's principal, its region (SigV4 scope) and its signing service."""
    authorization = response.headers.get("Authorization", "")
    match = _SCOPE.search(authorization)
    if not match:
        raise Refused("unsigned", MESSAGES["unsigned"])
    key_id, region, service = match.groups()
    principal = _find_principal(response.current_account, key_id, response.headers.get("X-Amz-Security-Token"))
    # moto's own signature check, with the key found here.
    path = response.raw_path + (f"?{response.parsed_url.query}" if response.parsed_url.query else "")
    check = request_cls.__new__(request_cls)
    check._method, check._path, check._headers = response.method, path, response.headers
    # The body as sent (kept by setup_class below), never moto's parsed data.
    check._data, check._body = b"", response.normalized_request.get_data() or response.raw_body or b""
    check._region, check._service, check._access_key = region, service, principal
    if response.normalized_request.content_encoding == "gzip":
        return principal, gateway.HOME_REGIONS.get(service, region), service  # key only: see the module docstring
    if check._get_string_between("Signature=", ",", authorization) != check._calculate_signature():
        raise Refused("signature", MESSAGES["signature"])
    return principal, gateway.HOME_REGIONS.get(service, region), service


# ---- the resources and the context of a request --------------------------------------------


class Request:
    """An action's parameters (the API's member names) with its region and account."""

    def __init__(self, params: dict[str, Any], region: str, account: str):
        self.params, self.region, self.account = params, region, account

    def p(self, name: str, default: Any = None) -> Any:
        # Some moto services (RDS) parse into snake_case keys: global_cluster_identifier.
        value = self.params.get(name)
        if value is None:
            value = self.params.get(camelcase_to_underscores(name))
        return default if value is None else value

    def arn(self, service: str, resource: str, region: str | None = None) -> str:
        return f"arn:{PARTITION}:{service}:{self.region if region is None else region}:{self.account}:{resource}"

    def named(self, service: str, prefix: str, name: str | None, region: str | None = None) -> str:
        """An identifier that may already be an ARN."""
        if name and name.startswith("arn:"):
            return name
        return self.arn(service, f"{prefix}{name or '*'}", region)


def _parameter(q: Request, name: str) -> str:
    return name if name.startswith("arn:") else q.arn("ssm", "parameter/" + name.lstrip("/"))


def _queue(q: Request) -> list[str]:
    return [q.arn("sqs", str(q.p("QueueUrl", q.p("QueueName", ""))).rstrip("/").rsplit("/", 1)[-1])]


def _secret(q: Request) -> list[str]:
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = q.p("SecretId", "")
    try:
        return [secretsmanager_backends[q.account][q.region].describe_secret(secret_id).arn]
    except Exception:  # noqa: BLE001 - unknown secret: the name as given (the call fails anyway)
        return [q.named("secretsmanager", "secret:", secret_id)]


def _key(q: Request) -> list[str]:
    from moto.kms.models import kms_backends

    key_id = q.p("KeyId")
    if key_id is None:
        raise KeyError("KeyId")
    try:
        key_id = kms_backends[q.account][q.region].any_id_to_key_id(key_id)
    except Exception:  # noqa: BLE001 - unknown key: as given
        pass
    return [q.named("kms", "key/", key_id)]


def _global_cluster(q: Request) -> str:
    return q.named("rds", "global-cluster:", q.p("GlobalClusterIdentifier"), region="")


Resolver = Callable[[Request], list[str]]
RESOURCES: dict[str, Resolver] = {
    "ssm:GetParameter": lambda q: [_parameter(q, q.p("Name"))],
    "ssm:GetParameters": lambda q: [_parameter(q, n) for n in q.p("Names", [])],
    "ssm:GetParametersByPath": lambda q: [_parameter(q, q.p("Path"))],
    "ssm:PutParameter": lambda q: [_parameter(q, q.p("Name"))],
    "ssm:DeleteParameter": lambda q: [_parameter(q, q.p("Name"))],
    **{
        f"dynamodb:{action}": (lambda q: [q.named("dynamodb", "table/", q.p("TableName"))])
        for action in ("DescribeTable", "DescribeContinuousBackups", "GetItem", "PutItem", "DeleteItem",
                       "UpdateItem", "Query", "Scan")
    },
    "rds:DescribeDBClusters": lambda q: [q.named("rds", "cluster:", q.p("DBClusterIdentifier"))],
    "rds:DescribeGlobalClusters": lambda q: [_global_cluster(q)],
    "rds:SwitchoverGlobalCluster": lambda q: [_global_cluster(q), q.named("rds", "cluster:", q.p("TargetDbClusterIdentifier"))],
    "rds:FailoverGlobalCluster": lambda q: [_global_cluster(q), q.named("rds", "cluster:", q.p("TargetDbClusterIdentifier"))],
    "rds:RemoveFromGlobalCluster": lambda q: [_global_cluster(q), q.named("rds", "cluster:", q.p("DbClusterIdentifier"))],
    **{f"rds-data:{action}": (lambda q: [q.p("resourceArn")])
       for action in ("ExecuteStatement", "BatchExecuteStatement", "BeginTransaction", "CommitTransaction", "RollbackTransaction")},
    "secretsmanager:GetSecretValue": _secret,
    "secretsmanager:DescribeSecret": _secret,
    **{
        f"lambda:{action}": (lambda q: [q.named("lambda", "function:", q.p("FunctionName"))])
        for action in ("GetFunction", "GetFunctionConfiguration", "GetFunctionConcurrency", "PutFunctionConcurrency",
                       "DeleteFunctionConcurrency", "Invoke")
    },
    "lambda:GetEventSourceMapping": lambda q: [q.arn("lambda", f"event-source-mapping:{q.p('UUID')}")],
    "lambda:UpdateEventSourceMapping": lambda q: [q.arn("lambda", f"event-source-mapping:{q.p('UUID')}")],
    "lambda:ListEventSourceMappings": lambda q: ["*"],
    **{f"states:{action}": (lambda q: [q.p("stateMachineArn")])
       for action in ("StartExecution", "ListExecutions", "DescribeStateMachine")},
    **{f"states:{action}": (lambda q: [q.p("executionArn")])
       for action in ("DescribeExecution", "GetExecutionHistory", "StopExecution")},
    "events:PutEvents": lambda q: sorted({q.named("events", "event-bus/", e.get("EventBusName") or "default")
                                          for e in q.p("Entries", [])}),
    "sns:Publish": lambda q: [q.p("TopicArn") or q.p("TargetArn")],
    **{f"sqs:{action}": _queue
       for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "SendMessage",
                      "ChangeMessageVisibility")},
    # CloudWatch answers with the alarms the caller may describe: by name, by name prefix
    # (a policy scoped to `alarm:<prefix>*` covers it), else every alarm.
    "cloudwatch:DescribeAlarms": lambda q: [q.arn("cloudwatch", f"alarm:{n}") for n in q.p("AlarmNames", [])]
    or [q.arn("cloudwatch", f"alarm:{q.p('AlarmNamePrefix', '')}*")],
    "cloudwatch:GetMetricData": lambda q: ["*"],
    "cloudwatch:PutMetricData": lambda q: ["*"],
    **{f"route53:{action}": (lambda q: ["*"])
       for action in ("ListHostedZones", "ListHostedZonesByName", "ListHealthChecks", "TestDNSAnswer")},
    "route53:GetHealthCheckStatus": lambda q: [f"arn:{PARTITION}:route53:::healthcheck/{q.p('HealthCheckId')}"],
    "route53:ListResourceRecordSets": lambda q: [
        f"arn:{PARTITION}:route53:::hostedzone/{str(q.p('HostedZoneId')).rsplit('/', 1)[-1]}"
    ],
    "iam:SimulatePrincipalPolicy": lambda q: [q.p("PolicySourceArn")],
    **{f"kms:{action}": _key for action in ("Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey")},
    "sts:AssumeRole": lambda q: [q.p("RoleArn")],
    "sts:GetCallerIdentity": lambda q: ["*"],  # always allowed: names no resource
}

# moto's S3 action names (its ACTION_MAP and handlers) that differ from IAM's.
S3_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
}

# Sub-resources moto's S3 ACTION_MAP does not know (it names them by the method's default:
# GET ?replication was ListBucket), with the IAM action AWS checks for each.
S3_SUBRESOURCE_ACTIONS = {
    ("BUCKET", "GET"): {
        "replication": "GetReplicationConfiguration",
        "encryption": "GetEncryptionConfiguration",
        "ownershipControls": "GetBucketOwnershipControls",
        "object-lock": "GetBucketObjectLockConfiguration",
    },
    ("BUCKET", "PUT"): {
        "replication": "PutReplicationConfiguration",
        "encryption": "PutEncryptionConfiguration",
        "ownershipControls": "PutBucketOwnershipControls",
        "object-lock": "PutBucketObjectLockConfiguration",
    },
    ("BUCKET", "DELETE"): {
        "replication": "PutReplicationConfiguration",
        "encryption": "PutEncryptionConfiguration",
        "ownershipControls": "PutBucketOwnershipControls",
    },
}


def _leading_keys(q: Request) -> list[str]:
    from moto.dynamodb.models import dynamodb_backends

    item = q.p("Key") or q.p("Item") or {}
    hash_key = dynamodb_backends[q.account][q.region].get_table(q.p("TableName").rsplit("/", 1)[-1]).hash_key_attr
    return [str(next(iter(item[hash_key].values())))]


def _mapping_function(q: Request) -> list[str]:
    from moto.awslambda.models import lambda_backends

    if q.p("FunctionName"):
        return [q.named("lambda", "function:", q.p("FunctionName"))]
    return [lambda_backends[q.account][q.region].get_event_source_mapping(q.p("UUID")).function_arn]


CONTEXT: dict[str, Callable[[Request], dict[str, list[str]]]] = {
    "cloudwatch:PutMetricData": lambda q: {"cloudwatch:namespace": [q.p("Namespace")]},
    **{f"dynamodb:{action}": (lambda q: {"dynamodb:LeadingKeys": _leading_keys(q)})
       for action in ("GetItem", "PutItem", "DeleteItem", "UpdateItem")},
    "lambda:UpdateEventSourceMapping": lambda q: {"lambda:FunctionArn": _mapping_function(q)},
}


def _context(principal: Principal, region: str) -> dict[str, list[str]]:
    context = {
        "aws:requestedregion": [region],
        "aws:securetransport": ["true"],
        "aws:principalarn": [principal.principal_arn],
        "aws:principalaccount": [principal.account],
    }
    if principal.is_root:
        context["aws:multifactorauthpresent"] = ["true"]
    return context


def _params(response: BaseResponse) -> dict[str, Any]:
    if not hasattr(response, "params"):
        try:
            response.parse_parameters(response.normalized_request)
        except Exception:  # noqa: BLE001 - no model for it: the query string, then the path
            return {**response._get_params(), **response.uri_match}
    return {**response.uri_match, **response.params}


# ---- authorization ------------------------------------------------------------------------

_unresolved: list[dict[str, str]] = []
_lock = threading.Lock()


def unresolved() -> list[dict[str, str]]:
    with _lock:
        return list(_unresolved)


def _resources(principal: Principal, action: str, q: Request) -> list[str]:
    resolver = RESOURCES.get(action)
    try:
        resources = resolver(q) if resolver else []
    except Exception:  # noqa: BLE001 - a parameter the table needs is missing: as unresolved
        resources = []
    if resources and all(resources):
        return resources
    with _lock:
        entry = {"principal": principal.principal_arn, "action": action}
        if entry not in _unresolved:
            _unresolved.append(entry)
    return ["*"]


def _denied(principal: Principal, action: str, resource: str, decision: str) -> Refused:
    why = "with an explicit deny in an identity-based policy" if decision == iam_simulate.EXPLICIT_DENY else (
        f"because no identity-based policy allows the {action} action"
    )
    return Refused("denied", f"User: {principal.arn} is not authorized to perform: {action} on resource: {resource} {why}")


def _authorize(principal: Principal, action: str, resources: list[str], context: dict[str, list[str]]) -> None:
    if principal.is_root or action == "sts:GetCallerIdentity":
        return
    policies = iam_simulate.identity_policies(iam_backends[principal.account][PARTITION], principal.entity) if (
        principal.entity is not None
    ) else []
    for resource in resources:
        decision = iam_simulate.evaluate(policies, action, [resource], context)["EvalDecision"]
        if decision != ALLOWED:
            raise _denied(principal, action, resource, decision)


def _trusts(role: Any, principal: Callable[[Any], bool], context: dict[str, list[str]]) -> bool:
    """Whether a role's trust policy lets the principal (a predicate over Principal
    elements) assume it."""
    document = json.loads(role.assume_role_policy_document)
    statements = [
        {**{k: v for k, v in s.items() if k != "Principal"}, "Resource": "*"}
        for s in iam_simulate._as_list(document.get("Statement"))  # noqa: SLF001 - same package
        if "Principal" in s and principal(s["Principal"])
    ]
    return iam_simulate.evaluate([("trust", {"Statement": statements})], "sts:AssumeRole", ["*"], context)[
        "EvalDecision"
    ] == ALLOWED


def _names_caller(caller: Principal) -> Callable[[Any], bool]:
    account_wide = {caller.account, f"arn:{PARTITION}:iam::{caller.account}:root"}

    def names(element: Any) -> bool:
        listed = ["*"] if element == "*" else iam_simulate._as_list(element.get("AWS")) if isinstance(element, dict) else []  # noqa: SLF001
        return any(p == "*" or p in account_wide or p in (caller.arn, caller.principal_arn) for p in listed)

    return names


def _names_service(service: str) -> Callable[[Any], bool]:
    return lambda element: isinstance(element, dict) and service in iam_simulate._as_list(element.get("Service"))  # noqa: SLF001


def _check_assume_role(principal: Principal, q: Request, context: dict[str, list[str]]) -> None:
    role_arn = q.p("RoleArn", "")
    try:
        role = iam_backends[q.account][PARTITION].get_role_by_arn(role_arn)
    except NotFoundException:
        role = None
    trust_context = {**context, **({"sts:externalid": [q.p("ExternalId")]} if q.p("ExternalId") else {})}
    if role is None or not _trusts(role, _names_caller(principal), trust_context):
        raise Refused("denied", f"User: {principal.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")


# API actions IAM authorizes as another action. SQS has no IAM action for its batch calls:
# each is allowed by the single call's permission (SQS Developer Guide, "Amazon SQS API
# permissions: Actions and resource reference").
AUTHORIZED_AS = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
}


def check(response: BaseResponse, request_cls: type, s3_resource: str | None = None) -> None:
    """Authenticates and authorizes one request; raises Refused."""
    principal, region, service = _authenticate(response, request_cls)
    name = response._get_action()  # noqa: SLF001
    if s3_resource is not None:
        action, resources, q = f"s3:{S3_ACTIONS.get(name, name)}", [s3_resource], Request({}, region, principal.account)
    else:
        service_prefix = {"monitoring": "cloudwatch", "email": "ses", "execute-api": "execute-api"}.get(service, service)
        action = f"{service_prefix}:{name}"
        action = AUTHORIZED_AS.get(action, action)
        q = Request(_params(response), region, principal.account)
        resources = ["*"] if principal.is_root else _resources(principal, action, q)
    context = _context(principal, region)
    if not principal.is_root:
        extra = CONTEXT.get(action)
        if extra is not None:
            try:
                context.update({k.lower(): v for k, v in extra(q).items()})
            except Exception:  # noqa: BLE001 - the key's value cannot be found: the key is absent
                pass
    _authorize(principal, action, resources, context)
    if action == "sts:AssumeRole":
        _check_assume_role(principal, q, context)


def _refusal_response(response: BaseResponse, refused: Refused) -> Any:
    protocol = get_service_model(response.boto3_service_name).protocol
    json_code, xml_code = CODES[refused.kind]
    code = json_code if protocol in ("json", "rest-json") else xml_code
    if protocol == "ec2":
        code = EC2_CODES.get(refused.kind, "AuthFailure")
    _, headers, body = response.serialized(ActionResult(AuthError(code, refused.message)))
    headers, body = response._enrich_response(headers, body)  # noqa: SLF001 - the request id, as moto answers
    return 403, headers, body


def _raise_s3(request_cls: type, response: BaseResponse, refused: Refused) -> None:
    """moto's S3 errors (bucket-aware, S3's XML)."""
    from moto.s3.exceptions import S3AccessDeniedError

    raiser = request_cls.__new__(request_cls)
    raiser._data = response.data
    if refused.kind == "signature":
        raiser._raise_signature_does_not_match()
    if refused.kind == "denied":
        error = S3AccessDeniedError()
        error.message = refused.message
        raise error
    raiser._raise_invalid_access_key("InvalidToken" if refused.kind == "bad-token" else "InvalidId")


# ---- services acting with a role -----------------------------------------------------------


def issue_service_credentials(role_arn: str, service: str, region: str, source_arn: str | None = None) -> Any:
    """An STS session of the role for an AWS service principal, as the service gets it;
    raises PermissionError(reason) when the role's trust policy does not allow it."""
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
    try:
        role = iam_backends[account][PARTITION].get_role_by_arn(role_arn)
    except (NotFoundException, KeyError) as error:
        raise PermissionError(f"no role {role_arn}") from error
    context = {"aws:sourceaccount": [account], "aws:principalservicename": [service]}
    if source_arn:
        context["aws:sourcearn"] = [source_arn]
    if not _trusts(role, _names_service(service), context):
        raise PermissionError(f"the trust policy of {role_arn} does not allow {service} to assume it")
    return sts_backends[account][PARTITION].assume_role(
        region_name=region, role_session_name=service.split(".", 1)[0], role_arn=role_arn,
        policy="", duration=3600, external_id="",
    )


TASK_MODULES = (
    "state_task.lambda_eval_utils",
    *(f"state_task.service.state_task_service_{kind}"
      for kind in ("aws_sdk", "unsupported", "glue", "events", "ecs", "sqs", "sfn", "dynamodb", "batch", "sns")),
    "state_map.result_writer.resource_eval.resource_eval_s3",
    "state_map.item_reader.eval.resource_eval_s3",
)
_sfn_sessions: dict[str, Any] = {}


def _state_machine_session(role_arn: str, region: str) -> Any:
    """The state machine role's session, reused while it lives in the sts backend (a moto
    reset or snapshot restore drops it) and has 5 minutes left."""
    with _lock:
        session = _sfn_sessions.get(role_arn)
    account = role_arn.split(":")[4]
    if session is not None:
        live = sts_backends[account][PARTITION].get_assumed_role_from_access_key(session.access_key_id)
        left = session.expiration - utcnow()
        if live is session and left > datetime.timedelta(minutes=5):
            return session
    session = issue_service_credentials(role_arn, "states.amazonaws.com", region)
    with _lock:
        _sfn_sessions[role_arn] = session
    return session


def _boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
    """moto's boto_client_for, signed with the execution role's session instead of ak/sk."""
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds

    role_arn = getattr(state_credentials, "role_arn", None)
    try:
        if not role_arn:
            raise PermissionError("the task has no role")
        session = _state_machine_session(role_arn, region)
    except PermissionError as error:
        # As the task's service call failing, in the shape the task's error handling reads.
        answer = {"Error": {"Code": "AccessDenied", "Message": f"Step Functions cannot assume the role: {error}"},
                  "ResponseMetadata": {"RequestId": "", "HTTPStatusCode": 403}}
        raise ClientError(answer, "AssumeRole") from error  # type: ignore[arg-type]
    return boto3.client(
        service_name=service,
        region_name=region,
        endpoint_url=f"http://localhost:{moto_server_port()}",
        aws_access_key_id=session.access_key_id,
        aws_secret_access_key=session.secret_access_key,
        aws_session_token=session.session_token,
        config=Config(
            parameter_validation=False,
            retries={"max_attempts": 0, "total_max_attempts": 1},
            connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
            read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
        ),
    )


# ---- control endpoints and installation ----------------------------------------------------


def control(method: str, action: str, body: dict[str, Any]) -> tuple[int, Any] | None:
    """This module's /dr-emulator/ actions; None for any other."""
    if action == "iam/unresolved" and method == "GET":
        return 200, {"unresolved": unresolved()}
    if action == "service-credentials" and method == "POST":
        role_arn, service, region = body.get("roleArn"), body.get("service"), body.get("region")
        if not all(isinstance(v, str) and v for v in (role_arn, service, region)):
            return 400, {"error": f"need roleArn, service and region, got {role_arn!r}, {service!r}, {region!r}"}
        try:
            session = issue_service_credentials(role_arn, service, region, body.get("sourceArn"))
        except PermissionError as error:
            return 403, {"error": str(error)}
        return 200, {
            "accessKeyId": session.access_key_id,
            "secretAccessKey": session.secret_access_key,
            "sessionToken": session.session_token,
            "expiration": session.expiration.isoformat(),
        }
    return None


def install() -> None:
    if _root() is None:
        return
    from moto.s3 import responses as s3_responses

    for (kind, method), actions in S3_SUBRESOURCE_ACTIONS.items():
        s3_responses.ACTION_MAP[kind][method].update(actions)

    def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if iam_request_cls is not S3IAMRequest:
            return  # checked in call_action (below), where a refusal can be answered in the protocol
        try:
            check(self, iam_request_cls, s3_resource=resource)
        except Refused as refused:
            _raise_s3(iam_request_cls, self, refused)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action  # type: ignore[method-assign]

    original_setup_class = BaseResponse.setup_class

    def setup_class(self: BaseResponse, request: Any, *args: Any, **kwargs: Any) -> None:
        # A form body (query protocol) is read by the form parser and gone from request.data:
        # cached first, the parser reads the cached copy and the signature check the bytes sent.
        if request.content_encoding != "gzip":
            request.get_data(cache=True)
        original_setup_class(self, request, *args, **kwargs)

    BaseResponse.setup_class = setup_class  # type: ignore[method-assign]

    original_call_action = BaseResponse.call_action

    def call_action(self: BaseResponse) -> Any:
        try:
            check(self, IAMRequest)
        except Refused as refused:
            return _refusal_response(self, refused)
        return original_call_action(self)

    BaseResponse.call_action = call_action  # type: ignore[method-assign]

    # Every module of moto's Step Functions interpreter that imported boto_client_for.
    for name in TASK_MODULES:
        importlib.import_module(f"moto.stepfunctions.parser.asl.component.state.exec.{name}").boto_client_for = _boto_client_for

"""IAM SimulatePrincipalPolicy (moto 5.2.5 lacks it): the permission-readiness check of
`dr verify-sync` and the readiness Lambda asks it whether each DR role may make each call
of its failover and failback paths (src/core/checks/permissions.ts).

Evaluated as IAM evaluates a role's identity policies (no SCPs, boundaries or resource
policies: our roles have none, and the simulator leaves resource policies out unless given):

- the policies: the role's inline policies and the default version of each attached one;
- a statement applies when its Action (or NotAction) matches the action, case-insensitive,
  and its Resource (or NotResource) matches the resource, case-sensitive; `*` matches any
  run of characters and `?` one;
- an applying Deny wins (`explicitDeny`), else an applying Allow (`allowed`), else
  `implicitDeny`;
- conditions against the request's ContextEntries. Operators evaluated: String(Not)Equals,
  String(Not)EqualsIgnoreCase, String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, Null,
  with the `ForAllValues:`/`ForAnyValue:` prefixes and the `IfExists` suffix. A key missing
  from the context makes a positive operator false (and is reported in
  MissingContextValues) and a negated one true, as IAM does. An operator not in that list
  never lets an Allow apply and always lets a Deny apply, so an unknown condition can only
  turn an answer into a denial (implicitDeny-safe), never into a false `allowed`.

The answer, as IAM gives it now: one EvaluationResult per action (EvalActionName,
EvalResourceName: the first resource, which AWS leaves undocumented for several; EvalDecision: the most restrictive
across the resources; MatchedStatements naming the policy; MissingContextValues), each
resource's own decision in ResourceSpecificResults; not paginated. MatchedStatements'
SourcePolicyId is the inline policy's name or the attached policy's ARN; SourcePolicyType
is `IAM Policy`.

The same evaluation (identity_policies, evaluate) decides every request of the emulator when it
enforces IAM (auth.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.core.responses import ActionResult
from moto.iam.exceptions import NoSuchEntity, NotFoundException, ValidationError
from moto.iam.models import IAMBackend, Role, User
from moto.iam.responses import IamResponse

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"
NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _compare(operator: str, expected: str, actual: str) -> bool | None:
    """Whether one context value satisfies one policy value (positive form); None: unknown operator."""
    base = operator.replace("Not", "", 1) if operator in NEGATED else operator
    if base == "StringEquals":
        return expected == actual
    if base == "StringEqualsIgnoreCase":
        return expected.lower() == actual.lower()
    if base in ("StringLike", "ArnLike", "ArnEquals"):
        return _wildcard(expected, actual)
    if base == "Bool":
        return str(expected).lower() == str(actual).lower()
    return None


def _condition_holds(
    raw_operator: str, key: str, expected: list[Any], context: dict[str, list[str]], missing: set[str]
) -> bool | None:
    """One condition key; None when the operator is not evaluated here."""
    operator = raw_operator
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    values = context.get(key.lower())
    expected = [str(e) for e in expected]
    if operator == "Null":
        is_null = values is None or len(values) == 0
        return any(str(e).lower() == str(is_null).lower() for e in expected)
    if _compare(operator, "", "") is None:
        return None
    negated = operator in NEGATED
    if values is None:
        if if_exists or qualifier == "ForAllValues":
            return True
        missing.add(key)
        return negated and qualifier != "ForAnyValue"

    def holds(actual: str) -> bool:
        """One context value: it matches a policy value (positive), or none (negated)."""
        matched = any(bool(_compare(operator, e, actual)) for e in expected)
        return not matched if negated else matched

    if qualifier == "ForAllValues":
        return all(holds(v) for v in values)
    if qualifier == "ForAnyValue":
        return any(holds(v) for v in values)
    return all(holds(v) for v in values) if negated else any(holds(v) for v in values)


def _conditions_hold(
    conditions: dict[str, Any] | None, context: dict[str, list[str]], missing: set[str], effect: str
) -> bool:
    for operator, keys in (conditions or {}).items():
        for key, expected in keys.items():
            holds = _condition_holds(operator, key, _as_list(expected), context, missing)
            if holds is None:  # unknown operator: an Allow does not apply, a Deny does
                holds = effect == "Deny"
            if not holds:
                return False
    return True


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    if "NotAction" in statement:
        action_ok = not any(_wildcard(p, action, True) for p in _as_list(statement["NotAction"]))
    else:
        action_ok = any(_wildcard(p, action, True) for p in _as_list(statement.get("Action")))
    if not action_ok:
        return False
    if "NotResource" in statement:
        return not any(_wildcard(p, resource) for p in _as_list(statement["NotResource"]))
    return any(_wildcard(p, resource) for p in _as_list(statement.get("Resource")))


def _document(document: Any) -> dict[str, Any]:
    return json.loads(document) if isinstance(document, str) else document


def identity_policies(backend: IAMBackend, entity: Role | User) -> list[tuple[str, dict[str, Any]]]:
    """(policy id, document) of a role's or user's identity policies: its inline policies and
    the default version of each attached one (for a user, its groups' too). The id is the
    inline policy's name or the attached policy's ARN."""
    holders: list[Any] = [entity]
    if isinstance(entity, User):
        holders += backend.get_groups_for_user(entity.name)
    policies: list[tuple[str, dict[str, Any]]] = []
    for holder in holders:
        policies += [(name, _document(document)) for name, document in holder.policies.items()]
        for arn in holder.managed_policies:
            policy = backend.get_policy(arn)
            version = next(v for v in policy.versions if v.is_default)
            policies.append((arn, _document(version.document)))
    return policies


def _evaluate_resource(
    policies: list[tuple[str, dict[str, Any]]], action: str, resource: str, context: dict[str, list[str]]
) -> dict[str, Any]:
    """One action on one resource: a ResourceSpecificResult."""
    missing: set[str] = set()
    allows: list[dict[str, Any]] = []
    denies: list[dict[str, Any]] = []
    for policy_id, document in policies:
        for statement in _as_list(document.get("Statement")):
            if not _applies(statement, action, resource):
                continue
            effect = statement.get("Effect", "Allow")
            if not _conditions_hold(statement.get("Condition"), context, missing, effect):
                continue
            matched = {"SourcePolicyId": policy_id, "SourcePolicyType": "IAM Policy"}
            (denies if effect == "Deny" else allows).append(matched)
    decision = EXPLICIT_DENY if denies else ALLOWED if allows else IMPLICIT_DENY
    return {
        "EvalResourceName": resource,
        "EvalResourceDecision": decision,
        "MatchedStatements": denies if denies else allows,
        "MissingContextValues": sorted(missing),
    }


RESTRICTIVENESS = {EXPLICIT_DENY: 2, IMPLICIT_DENY: 1, ALLOWED: 0}


def evaluate(
    policies: list[tuple[str, dict[str, Any]]], action: str, resources: list[str], context: dict[str, list[str]]
) -> dict[str, Any]:
    """One action on every resource: an EvaluationResult whose top level is the most
    restrictive decision across the resources (IAM's current answer), each resource's own in
    ResourceSpecificResults."""
    per_resource = [_evaluate_resource(policies, action, r, context) for r in resources]
    decision = max((r["EvalResourceDecision"] for r in per_resource), key=RESTRICTIVENESS.__getitem__)
    matched: list[dict[str, Any]] = []
    for r in per_resource:
        if r["EvalResourceDecision"] == decision:
            matched.extend(m for m in r["MatchedStatements"] if m not in matched)
    return {
        "EvalActionName": action,
        "EvalResourceName": resources[0],
        "EvalDecision": decision,
        "MatchedStatements": matched,
        "MissingContextValues": sorted({k for r in per_resource for k in r["MissingContextValues"]}),
        "ResourceSpecificResults": per_resource,
    }


def _simulate_principal_policy(self: IamResponse) -> ActionResult:
    source = self._get_param("PolicySourceArn") or ""
    if ":role/" not in source:
        raise ValidationError(f"PolicySourceArn must name a role in this emulator, got {source!r}")
    try:
        role = self.backend.get_role(source.rsplit("/", 1)[-1])
    except NotFoundException as error:
        raise NoSuchEntity(f"The role with name {source.rsplit('/', 1)[-1]} cannot be found.") from error
    actions = _as_list(self._get_param("ActionNames"))
    if not actions:
        raise ValidationError("ActionNames must name at least one action")
    resources = _as_list(self._get_param("ResourceArns")) or ["*"]
    context: dict[str, list[str]] = {}
    for entry in _as_list(self._get_param("ContextEntries")):
        name = str(entry.get("ContextKeyName", "")).lower()
        context[name] = [str(v) for v in _as_list(entry.get("ContextKeyValues"))]
    policies = identity_policies(self.backend, role)
    results = [evaluate(policies, action, resources, context) for action in actions]
    return ActionResult({"EvaluationResults": results, "IsTruncated": False})


def install() -> None:
    IamResponse.simulate_principal_policy = _simulate_principal_policy  # type: ignore[attr-defined]

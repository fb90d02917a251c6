"""TLS-only bucket policies (``aws:SecureTransport``), as AWS evaluates them for our clients.

moto 5.2.5 evaluates a bucket policy's statements on every object request, but it knows
only the ``StringEquals`` condition operator (any other counts as met) and passes no
request context to the conditions; and a statement whose condition is not met counts as a
deny whatever its effect (right for the trust policies it was written for, wrong for a
Deny statement, which then simply does not apply). Our buckets deny every request whose
``aws:SecureTransport`` is ``false`` (TLS only, as security requires): in moto that deny
then applied to every request, and no object could be written at all. Here the ``Bool``
operator is evaluated as AWS does (case-insensitive ``true``/``false``), the request
context carries ``aws:SecureTransport``, and a statement whose condition is not met does
not apply.

On AWS that key is always present. Every client of ours speaks HTTPS to AWS; the emulator
serves plain HTTP on 127.0.0.1 only, never on a network, so a request that reached it is
evaluated as the HTTPS request it stands for: ``aws:SecureTransport`` is ``true``. Every
other statement and condition is evaluated exactly as moto does (an unconditional deny
still denies).
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3.models import FakeBucket

SECURE_TRANSPORT = {"aws:SecureTransport": "true"}


def _bool_equals(expected: list[str] | str, actual: str) -> bool:
    wanted = expected if isinstance(expected, list) else [expected]
    return str(actual).lower() in {str(w).lower() for w in wanted}


def install() -> None:
    from moto.iam import policy_conditions

    policy_conditions.CONDITION_OPERATIONS.setdefault("Bool", _bool_equals)

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
        from moto.iam.access_control import IAMPolicyStatement, PermissionResult

        if self.policy is None:
            return PermissionResult.NEUTRAL
        statements = json.loads(self.policy.decode()).get("Statement", [])
        permitted = False
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Condition") and not IAMPolicyStatement(statement)._check_conditions(
                SECURE_TRANSPORT
            ):
                continue  # its condition is not met: the statement does not apply
            unconditional = {k: v for k, v in statement.items() if k != "Condition"}
            result = IAMPolicyStatement(unconditional).is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return result
            permitted = permitted or result == PermissionResult.PERMITTED
        return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]

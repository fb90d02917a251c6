"""Lambda reserved concurrency 0, as AWS applies it (moto 5.2.5 stores it, nothing more).

PutFunctionConcurrency / GetFunctionConcurrency / DeleteFunctionConcurrency work in
moto as they do on AWS. Two things around them did not:

- GetFunction left out ``Concurrency`` when the reserved concurrency is 0 (moto tests
  the value for truth); AWS reports ``{"ReservedConcurrentExecutions": 0}``.
- Invoke of a function whose reserved concurrency is 0 ran it; AWS throttles every
  invocation: HTTP 429 ``TooManyRequestsException`` "Rate Exceeded." with Reason
  ``ReservedFunctionConcurrentInvocationLimitExceeded``. That is also what a Step
  Functions ``lambda:invoke`` task of moto's state machines gets (it calls back here).
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import LambdaBackend, LambdaFunction


class TooManyRequestsException(LambdaClientError):
    code = 429

    def __init__(self) -> None:
        super().__init__("TooManyRequestsException", "Rate Exceeded.")
        self.description = json.dumps(
            {
                "__type": "TooManyRequestsException",
                "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
                "Type": "User",
                "message": "Rate Exceeded.",
            }
        )


def _reserved(function: Any) -> int | None:
    value = getattr(function, "reserved_concurrency", None)
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def install() -> None:
    original_get_code = LambdaFunction.get_code

    def get_code(self: LambdaFunction) -> dict[str, Any]:
        response = original_get_code(self)
        reserved = _reserved(self)
        if reserved is not None and "Concurrency" not in response:
            response["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
        return response

    LambdaFunction.get_code = get_code  # type: ignore[method-assign]

    original_invoke = LambdaBackend.invoke

    def invoke(self: LambdaBackend, function_name: str, qualifier: str | None, *args: Any, **kwargs: Any) -> Any:
        if _reserved(self.get_function(function_name, qualifier)) == 0:
            raise TooManyRequestsException()
        return original_invoke(self, function_name, qualifier, *args, **kwargs)

    LambdaBackend.invoke = invoke  # type: ignore[method-assign]

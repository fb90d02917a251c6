"""Lambda reserved concurrency 0, as AWS applies it (moto 5.2.5 stores it, nothing more).

PutFunctionConcurrency / GetFunctionConcurrency / DeleteFunctionConcurrency work in
moto as they do on AWS. Two things around them did not:

- GetFunction left out ``Concurrency`` when the reserved concurrency is 0 (moto tests
  the value for truth); AWS reports ``{"ReservedConcurrentExecutions": 0}``.
- Invoke of a function whose reserved concurrency is 0 ran it; AWS throttles every
  invocation: HTTP 429 ``TooManyRequestsException`` "Rate Exceeded." with Reason
  ``ReservedFunctionConcurrentInvocationLimitExceeded``. That is also what a Step
  Functions ``lambda:invoke`` task of moto's state machines gets (it calls back here).

And two settings moto drops on CreateFunction / UpdateFunctionConfiguration, so the
function's configuration (GetFunction, GetFunctionConfiguration) lacked them and every
Terraform plan wanted to set them again:

- ``DeadLetterConfig``: AWS answers ``{"TargetArn": ...}`` once set (an empty
  ``TargetArn`` removes it).
- ``LoggingConfig``: AWS always answers it: ``LogFormat`` (default ``Text``) and
  ``LogGroup`` (default ``/aws/lambda/<function name>``); with ``JSON`` also
  ``ApplicationLogLevel`` and ``SystemLogLevel``, ``INFO`` unless given.
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


def _set_logging_config(function: LambdaFunction, given: dict[str, Any] | None) -> None:
    given = given or {}
    config = {
        "LogFormat": given.get("LogFormat") or "Text",
        "LogGroup": given.get("LogGroup") or f"/aws/lambda/{function.function_name}",
    }
    if config["LogFormat"] == "JSON":
        config["ApplicationLogLevel"] = given.get("ApplicationLogLevel") or "INFO"
        config["SystemLogLevel"] = given.get("SystemLogLevel") or "INFO"
    function.dr_logging_config = config  # type: ignore[attr-defined]


def _set_dead_letter_config(function: LambdaFunction, given: dict[str, Any] | None) -> None:
    target = (given or {}).get("TargetArn")
    function.dr_dead_letter_config = {"TargetArn": target} if target else None  # type: ignore[attr-defined]


def install() -> None:
    original_init = LambdaFunction.__init__

    def __init__(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        _set_dead_letter_config(self, spec.get("DeadLetterConfig"))
        _set_logging_config(self, spec.get("LoggingConfig"))

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]

    original_update_configuration = LambdaFunction.update_configuration

    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            _set_dead_letter_config(self, config_updates["DeadLetterConfig"])
        if "LoggingConfig" in config_updates:
            _set_logging_config(self, config_updates["LoggingConfig"])
        return original_update_configuration(self, config_updates)

    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]

    original_get_configuration = LambdaFunction.get_configuration

    def get_configuration(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_get_configuration(self, *args, **kwargs)
        if getattr(self, "dr_dead_letter_config", None):
            config["DeadLetterConfig"] = dict(self.dr_dead_letter_config)  # type: ignore[attr-defined]
        if getattr(self, "dr_logging_config", None):
            config["LoggingConfig"] = dict(self.dr_logging_config)  # type: ignore[attr-defined]
        return config

    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]

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

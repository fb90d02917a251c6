"""What the Terraform AWS provider calls while planning and applying our stacks, and
moto 5.2.5 lacks.

- ValidateStateMachineDefinition: the provider validates every ``aws_sfn_state_machine``
  definition while planning; moto answered 500 and the plan failed. The definition is
  parsed with moto's own ASL parser (the one that runs executions), so a definition the
  emulator could not run is reported as AWS reports an invalid one: ``result: FAIL``
  with a diagnostic, not an HTTP error.
- ListStateMachineVersions: read after every state machine create and refresh. moto
  keeps no published versions unless ``publish`` is set (our stacks never set it), so
  the answer is the versions moto holds, usually none.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.stepfunctions.responses import StepFunctionResponse


def _validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    definition = self._get_param("definition") or ""
    diagnostics: list[dict[str, Any]] = []
    try:
        AmazonStateLanguageParser.parse(definition)
    except Exception as error:  # noqa: BLE001 - any parse failure is a diagnostic
        diagnostics.append(
            {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(error)[:500]}
        )
    return ActionResult(
        {"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False}
    )


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    arn = self._get_param("stateMachineArn")
    machine = self.stepfunction_backend.describe_state_machine(arn)
    versions = getattr(machine, "versions", {}) or {}
    return ActionResult(
        {
            "stateMachineVersions": [
                {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date}
                for v in versions.values()
            ]
        }
    )


def install() -> None:
    StepFunctionResponse.list_state_machine_versions = _list_state_machine_versions  # type: ignore[attr-defined]
    StepFunctionResponse.validate_state_machine_definition = _validate_state_machine_definition  # type: ignore[attr-defined]

"""Step Functions AWS SDK integrations, as AWS runs them.

moto 5.2.5 passes an ``arn:aws:states:::aws-sdk:<service>:<action>`` task to boto3 as
written, so two things AWS does are missing there:

- AWS names a few services differently from boto3 (``rdsdata``, ``eventbridge``): they
  failed with "Unknown service". They are mapped to boto3's names.
- AWS takes parameter names in PascalCase and matches them to the API's members
  (``ResourceArn`` for the RDS Data API's ``resourceArn``); moto skips that step, so a
  camelCase API failed with a KeyError. Parameter names are matched to the operation's
  input shape, case-insensitively, at every level.

A state machine written for AWS then runs unchanged in the emulator.
"""

from __future__ import annotations

from typing import Any

import botocore.session
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (
    StateTaskServiceAwsSdk,
)

# AWS Step Functions integration name -> boto3 service name.
AWS_SDK_SERVICE_NAMES = {
    "rdsdata": "rds-data",
    "eventbridge": "events",
    "sfn": "stepfunctions",
}

_session = botocore.session.get_session()


def _normalise(value: Any, shape: Any) -> Any:
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        out = {}
        for key, item in value.items():
            name = members.get(key.lower(), key)
            out[name] = _normalise(item, shape.members.get(name))
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [_normalise(item, shape.member) for item in value]
    return value


def install() -> None:
    StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES.update(AWS_SDK_SERVICE_NAMES)  # type: ignore[attr-defined]

    def _normalise_parameters(
        self: StateTaskServiceAwsSdk,
        parameters: dict,
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        service = self._get_boto_service_name(boto_service_name)
        action = service_action_name or self.resource.api_action
        try:
            model = _session.get_service_model(service)
            operation = model.operation_model(action[:1].upper() + action[1:])
        except Exception:  # noqa: BLE001 - unknown to botocore: leave the call to fail as moto would
            return
        normalised = _normalise(parameters, operation.input_shape)
        parameters.clear()
        parameters.update(normalised)

    StateTaskServiceAwsSdk._normalise_parameters = _normalise_parameters  # type: ignore[method-assign]

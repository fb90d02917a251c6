"""Step Functions AWS SDK integrations: AWS names a few services differently from boto3.

moto 5.2.5 resolves ``arn:aws:states:::aws-sdk:<service>:<action>`` with boto3's service
names, so the names AWS documents for some integrations (``rdsdata``, ``eventbridge``...)
fail there with "Unknown service". This maps AWS's names to boto3's, so a state machine
written for AWS runs unchanged in the emulator.
"""

from __future__ import annotations

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)

# AWS Step Functions integration name -> boto3 service name.
AWS_SDK_SERVICE_NAMES = {
    "rdsdata": "rds-data",
    "eventbridge": "events",
    "sfn": "stepfunctions",
}


def install() -> None:
    StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES.update(AWS_SDK_SERVICE_NAMES)  # type: ignore[attr-defined]

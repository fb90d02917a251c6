"""AWS Backup selections, which moto 5.2.5 lacks (its Backup has plans and vaults only).

``aws_backup_selection`` creates a selection, reads it until it is visible and reads it
on every refresh; moto answered 500 to each call. What AWS does, and this adds:

- CreateBackupSelection (PUT /backup/plans/{id}/selections/): stores the selection
  under its plan and answers its new ``SelectionId``, the plan id and the creation date;
- GetBackupSelection: the selection as given, with ``Resources``, ``NotResources``,
  ``ListOfTags`` as empty lists and ``Conditions`` as four empty lists when not given
  (AWS answers them so; the provider's ``condition`` is computed from it);
- ListBackupSelections: one member per selection of the plan, without pagination;
- DeleteBackupSelection.

A plan that does not exist (or was deleted) is ``InvalidParameterValueException``
"Cannot find Backup plan ...", as AWS answers (the provider reads that as gone); a
selection that does not exist in an existing plan is ``ResourceNotFoundException``.
The IAM role is not checked (AWS checks that AWS Backup may assume it). Selections live
on the region's Backup backend, so moto's reset clears them.

ListTags (GET /tags/{resourceArn}/): moto took the ARN from the path's second-to-last
segment, right only with the trailing slash boto3 sends; the Go SDK (Terraform) sends
none, so every vault and plan read back no tags and ``tags_all`` drifted. The ARN is
taken from the matched path, with or without the slash.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.backup.models import BackupBackend
from moto.backup.responses import BackupResponse
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random

CONDITION_KINDS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")


def _selections(backend: BackupBackend, plan_id: str) -> dict[str, dict[str, Any]]:
    """The selections of a plan that exists, by selection id."""
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise InvalidParameterValueException(msg=f"Cannot find Backup plan with ID {plan_id}")
    every: dict[str, dict[str, dict[str, Any]]] = backend.__dict__.setdefault("dr_backup_selections", {})
    return every.setdefault(plan_id, {})


def _uri(self: BackupResponse, name: str) -> str:
    return unquote((getattr(self, "uri_match", None) or {}).get(name) or "")


def create_backup_selection(self: BackupResponse) -> str:
    plan_id = _uri(self, "backupPlanId")
    params = json.loads(self.body or "{}")
    given = dict(params.get("BackupSelection") or {})
    conditions = given.get("Conditions") or {}
    selection = {
        "SelectionId": str(mock_random.uuid4()),
        "BackupPlanId": plan_id,
        "CreationDate": unix_time(),
        "CreatorRequestId": params.get("CreatorRequestId"),
        "BackupSelection": {
            "SelectionName": given.get("SelectionName"),
            "IamRoleArn": given.get("IamRoleArn"),
            "Resources": list(given.get("Resources") or []),
            "NotResources": list(given.get("NotResources") or []),
            "ListOfTags": list(given.get("ListOfTags") or []),
            "Conditions": {kind: list(conditions.get(kind) or []) for kind in CONDITION_KINDS},
        },
    }
    _selections(self.backup_backend, plan_id)[selection["SelectionId"]] = selection
    return json.dumps({k: selection[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")})


def _selection(self: BackupResponse) -> tuple[dict[str, dict[str, Any]], str]:
    plan_id, selection_id = _uri(self, "backupPlanId"), _uri(self, "selectionId")
    selections = _selections(self.backup_backend, plan_id)
    if selection_id not in selections:
        raise ResourceNotFoundException(msg=f"Cannot find Backup selection with ID {selection_id}")
    return selections, selection_id


def get_backup_selection(self: BackupResponse) -> str:
    selections, selection_id = _selection(self)
    selection = selections[selection_id]
    return json.dumps({k: v for k, v in selection.items() if v is not None})


def delete_backup_selection(self: BackupResponse) -> str:
    selections, selection_id = _selection(self)
    del selections[selection_id]
    return "{}"


def list_backup_selections(self: BackupResponse) -> str:
    selections = _selections(self.backup_backend, _uri(self, "backupPlanId"))
    members = [
        {
            "SelectionId": s["SelectionId"],
            "SelectionName": s["BackupSelection"]["SelectionName"],
            "BackupPlanId": s["BackupPlanId"],
            "CreationDate": s["CreationDate"],
            "IamRoleArn": s["BackupSelection"]["IamRoleArn"],
            **({"CreatorRequestId": s["CreatorRequestId"]} if s["CreatorRequestId"] else {}),
        }
        for s in selections.values()
    ]
    return json.dumps({"BackupSelectionsList": members})


def list_tags(self: BackupResponse) -> str:
    resource_arn = _uri(self, "resourceArn") or unquote(self.path.rstrip("/").split("/tags/", 1)[-1])
    return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=resource_arn)})


def install() -> None:
    BackupResponse.list_tags = list_tags  # type: ignore[method-assign]
    BackupResponse.create_backup_selection = create_backup_selection  # type: ignore[attr-defined]
    BackupResponse.get_backup_selection = get_backup_selection  # type: ignore[attr-defined]
    BackupResponse.delete_backup_selection = delete_backup_selection  # type: ignore[attr-defined]
    BackupResponse.list_backup_selections = list_backup_selections  # type: ignore[attr-defined]

"""DynamoDB global tables (version 2019.11.21): moto 5.2.5 ignores ReplicaUpdates.

- UpdateTable with ReplicaUpdates Create/Delete creates (with the same key schema,
  indexes, billing mode and items) or deletes the same-named table in that region;
- DescribeTable in any member region lists the other members under Replicas with
  ReplicaStatus ACTIVE, and GlobalTableVersion 2019.11.21;
- a replica is encrypted with the ``KMSMasterKeyId`` its Create or Update gives (KMS
  keys are regional: a key of the replica's region), else with the source table's
  settings; DescribeTable in its region reports that key, and Replicas lists it (moto
  gave the replica the source's key, so Terraform's replica ``kms_key_arn`` drifted);
- PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems on a member
  replicate the written items (their state right after the write) to every other member:
  synchronously, or after ``replicationDelaySeconds``, and only once the target region
  is up again when it is in an outage (see state.replicate).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

from . import state

GLOBAL_TABLE_VERSION = "2019.11.21"

# (account, table name) -> member regions. Guarded by _lock.
_groups: dict[tuple[str, str], set[str]] = {}
_lock = threading.RLock()


def reset() -> None:
    with _lock:
        _groups.clear()


def _members(account: str, name: str) -> set[str]:
    with _lock:
        return set(_groups.get((account, name), ()))


def _backend(account: str, region: str) -> DynamoDBBackend:
    return dynamodb_backends[account][region]


def _replica_sse(sse_specification: dict[str, Any] | None, kms_key_id: str | None) -> dict[str, Any] | None:
    """The replica's own copy of the source's encryption settings, with its KMS key."""
    if not sse_specification:
        return None
    sse = dict(sse_specification)
    if kms_key_id:
        sse["KMSMasterKeyId"] = kms_key_id
    return sse


def _create_replica(source: Table, region: str, kms_key_id: str | None = None) -> None:
    target_backend = _backend(source.account_id, region)
    if source.name in target_backend.tables:
        raise MockValidationException(
            f"Failed to create a the new replica of table with name: '{source.name}' "
            f"because one or more replicas already existed as tables."
        )
    described = source.describe()["TableDescription"]
    target = target_backend.create_table(
        source.name,
        schema=source.schema,
        throughput=source.throughput,
        attr=source.attr,
        global_indexes=described.get("GlobalSecondaryIndexes") or None,
        indexes=described.get("LocalSecondaryIndexes") or None,
        streams=source.stream_specification,
        billing_mode=source.billing_mode,
        sse_specification=_replica_sse(source.sse_specification, kms_key_id),
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    for item in list(source.all_items()):
        target.put_item(item.to_json()["Attributes"])


def _apply_replica_updates(self: DynamoHandler, updates: list[dict[str, Any]]) -> None:
    source = self.dynamodb_backend.get_table(self.body["TableName"])
    account, name = source.account_id, source.name
    for update in updates:
        if "Create" in update:
            region = update["Create"]["RegionName"]
            if region == self.region or region in _members(account, name):
                raise MockValidationException(
                    f"Cannot add replica: region {region} is already a replica of table {name}."
                )
            _create_replica(source, region, update["Create"].get("KMSMasterKeyId"))
            with _lock:
                _groups.setdefault((account, name), {self.region}).update({self.region, region})
        elif "Delete" in update:
            region = update["Delete"]["RegionName"]
            if region not in _members(account, name) or region == self.region:
                raise MockValidationException(
                    f"Cannot delete replica: region {region} is not a replica of table {name}."
                )
            _backend(account, region).tables.pop(name, None)
            with _lock:
                group = _groups[(account, name)]
                group.discard(region)
                if len(group) < 2:
                    _groups.pop((account, name), None)
        elif "Update" in update:
            region = update["Update"].get("RegionName")
            replica = _backend(account, region).tables.get(name) if region in _members(account, name) else None
            kms_key_id = update["Update"].get("KMSMasterKeyId")
            if replica is not None and kms_key_id:
                replica.sse_specification = _replica_sse(replica.sse_specification, kms_key_id)
            # other replica settings (throughput, table class): nothing to emulate


def _replica_key(source: Table, region: str) -> dict[str, str]:
    replica = _backend(source.account_id, region).tables.get(source.name)
    key = ((replica.sse_specification or {}) if replica is not None else {}).get("KMSMasterKeyId")
    return {"KMSMasterKeyId": key} if key else {}


def _key_of(table: Table, attrs: dict[str, Any]) -> tuple[DynamoType, DynamoType | None]:
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _replicate_writes(self: DynamoHandler, writes: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """For each (table, key or item) written in this region, copy the item's current
    state (or its absence) to the other member regions."""
    account = self.current_account
    for table_name, attrs in writes:
        others = _members(account, table_name) - {self.region}
        if not others:
            continue
        table = self.dynamodb_backend.tables.get(table_name)
        if table is None:
            continue
        hash_value, range_value = _key_of(table, attrs)
        item = table.get_item(hash_value, range_value)
        snapshot = item.to_json()["Attributes"] if item is not None else None
        for region in others:
            state.replicate(region, _applier(account, region, table_name, hash_value, range_value, snapshot))


def _applier(
    account: str,
    region: str,
    table_name: str,
    hash_value: DynamoType,
    range_value: DynamoType | None,
    snapshot: dict[str, Any] | None,
) -> Callable[[], None]:
    def apply() -> None:
        target = _backend(account, region).tables.get(table_name)
        if target is None:
            return
        if snapshot is None:
            if target.get_item(hash_value, range_value) is not None:
                target.delete_item(hash_value, range_value)
        else:
            target.put_item(snapshot)

    return apply


def _writes_of(action: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if action == "put_item":
        return [(body["TableName"], body["Item"])]
    if action in ("update_item", "delete_item"):
        return [(body["TableName"], body["Key"])]
    if action == "batch_write_item":
        writes = []
        for table_name, requests in body.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    writes.append((table_name, request["PutRequest"]["Item"]))
                elif "DeleteRequest" in request:
                    writes.append((table_name, request["DeleteRequest"]["Key"]))
        return writes
    if action == "transact_write_items":
        writes = []
        for entry in body.get("TransactItems", []):
            if "Put" in entry:
                writes.append((entry["Put"]["TableName"], entry["Put"]["Item"]))
            for kind in ("Update", "Delete"):
                if kind in entry:
                    writes.append((entry[kind]["TableName"], entry[kind]["Key"]))
        return writes
    return []


def install() -> None:
    for action in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
        original = getattr(DynamoHandler, action)

        def wrapper(self: DynamoHandler, _original: Any = original, _action: str = action) -> ActionResult:
            result = _original(self)
            _replicate_writes(self, _writes_of(_action, self.body))
            return result

        wrapper.__name__ = action
        setattr(DynamoHandler, action, wrapper)

    original_update_table = DynamoHandler.update_table

    def update_table(self: DynamoHandler) -> ActionResult:
        updates = self.body.get("ReplicaUpdates")
        if updates:
            _apply_replica_updates(self, updates)
        return original_update_table(self)

    DynamoHandler.update_table = update_table  # type: ignore[method-assign]

    original_describe = Table.describe

    def describe(self: Table, base_key: str = "TableDescription") -> dict[str, Any]:
        result = original_describe(self, base_key)
        members = _members(self.account_id, self.name)
        if self.region_name in members:
            result[base_key]["Replicas"] = [
                {"RegionName": region, "ReplicaStatus": "ACTIVE", **_replica_key(self, region)}
                for region in sorted(members - {self.region_name})
            ]
            result[base_key]["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        return result

    Table.describe = describe  # type: ignore[method-assign]

    # DeleteTable of a member leaves the group (the other replicas stay).
    original_delete_table = DynamoDBBackend.delete_table

    def delete_table(self: DynamoDBBackend, name: str) -> Table:
        table = original_delete_table(self, name)
        with _lock:
            group = _groups.get((self.account_id, name))
            if group is not None:
                group.discard(self.region_name)
                if len(group) < 2:
                    _groups.pop((self.account_id, name), None)
        return table

    DynamoDBBackend.delete_table = delete_table  # type: ignore[method-assign]

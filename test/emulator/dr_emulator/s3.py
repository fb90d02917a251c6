"""S3 replication: moto 5.2.5 stores a bucket's replication configuration but never
copies an object.

An object written by PutObject, CopyObject or CompleteMultipartUpload into a bucket with
an enabled replication rule whose filter matches (Prefix, Filter.Prefix, Filter.Tag,
Filter.And) is copied (body, metadata, tags, version id) to the rule's destination bucket
(the bucket named by the destination ARN): synchronously, or after
``replicationDelaySeconds``, and only once the destination's region is up when it is in
an outage. HeadObject/GetObject then report ``x-amz-replication-status``: PENDING, then
COMPLETED (or FAILED when the destination bucket does not exist) on the source, REPLICA
on the copy. A replica is never replicated again.

Two configurations read back as AWS answers them (Terraform planned a change after every
apply otherwise): GetBucketReplication keeps each rule's DeleteMarkerReplication,
SourceSelectionCriteria and ExistingObjectReplication (moto answered Disabled and dropped
the others), and GetBucketNotificationConfiguration includes the EventBridgeConfiguration
moto stores but left out.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, FakeKey, S3Backend
from moto.core.responses import ActionResult
from moto.s3.responses import S3Response

from . import state

STATUS_ATTR = "_dr_replication_status"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _matches(rule: dict[str, Any], key_name: str, tags: dict[str, str]) -> bool:
    if str(rule.get("Status", "")).lower() != "enabled":
        return False
    prefix = rule.get("Prefix")
    wanted: list[dict[str, Any]] = []
    filt = rule.get("Filter") or {}
    if isinstance(filt, dict):
        if "And" in filt and isinstance(filt["And"], dict):
            prefix = filt["And"].get("Prefix", prefix)
            wanted = _as_list(filt["And"].get("Tag"))
        else:
            prefix = filt.get("Prefix", prefix)
            wanted = _as_list(filt.get("Tag"))
    if prefix and not key_name.startswith(str(prefix)):
        return False
    return all(tags.get(t.get("Key")) == t.get("Value") for t in wanted if isinstance(t, dict))


def _destinations(bucket: FakeBucket, key_name: str, tags: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    replication = getattr(bucket, "replication", None) or {}
    found: dict[str, dict[str, Any]] = {}
    rules = sorted(_as_list(replication.get("Rule")), key=lambda r: -int(r.get("Priority") or 0))
    for rule in rules:
        if not isinstance(rule, dict) or not _matches(rule, key_name, tags):
            continue
        destination = rule.get("Destination") or {}
        arn = str(destination.get("Bucket", ""))
        name = arn.split(":::", 1)[-1]
        if name and name not in found:
            found[name] = destination
    return list(found.items())


def replicate_key(backend: S3Backend, bucket_name: str, key: FakeKey | None) -> None:
    if key is None or getattr(key, STATUS_ATTR, None) == "REPLICA":
        return
    bucket = backend.get_bucket(bucket_name)
    tags = backend.tagger.get_tag_dict_for_resource(key.arn)
    destinations = _destinations(bucket, key.name, tags)
    if not destinations:
        return
    setattr(key, STATUS_ATTR, "PENDING")
    value, metadata = key.value, dict(key.metadata)
    for dest_name, destination in destinations:
        dest_bucket = backend.buckets.get(dest_name)
        if dest_bucket is None:
            setattr(key, STATUS_ATTR, "FAILED")
            continue

        def apply(dest_name: str = dest_name, destination: dict[str, Any] = destination) -> None:
            if dest_name not in backend.buckets:
                setattr(key, STATUS_ATTR, "FAILED")
                return
            replica = backend.put_object(
                dest_name,
                key.name,
                value,
                storage=destination.get("StorageClass") or key.storage_class,
                encryption=key.encryption,
                kms_key_id=key.kms_key_id,
                disable_notification=True,
            )
            replica.set_metadata(metadata)
            if tags:
                backend.tagger.tag_resource(replica.arn, [{"Key": k, "Value": v} for k, v in tags.items()])
            if backend.buckets[dest_name].is_versioned and key.version_id != "null":
                replica._version_id = key.version_id
            setattr(replica, STATUS_ATTR, "REPLICA")
            if getattr(key, STATUS_ATTR, None) != "FAILED":
                setattr(key, STATUS_ATTR, "COMPLETED")

        state.replicate(dest_bucket.region_name, apply)


def install() -> None:
    for action in ("put_object", "copy_object"):
        original = getattr(S3Response, action)

        def wrapper(self: S3Response, _original: Any = original) -> Any:
            result = _original(self)
            if isinstance(result, tuple) and result and result[0] == 200:
                key = self.backend.get_object(self.bucket_name, self.parse_key_name())
                replicate_key(self.backend, self.bucket_name, key)
            return result

        wrapper.__name__ = action
        setattr(S3Response, action, wrapper)

    original_complete = S3Backend.complete_multipart_upload

    def complete_multipart_upload(self: S3Backend, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        key = original_complete(self, bucket_name, *args, **kwargs)
        if isinstance(key, FakeKey):
            replicate_key(self, bucket_name, key)
        return key

    S3Backend.complete_multipart_upload = complete_multipart_upload  # type: ignore[method-assign]

    original_response_dict = FakeKey.response_dict

    def response_dict(self: FakeKey) -> dict[str, Any]:
        result = original_response_dict.fget(self)  # type: ignore[attr-defined]
        status = getattr(self, STATUS_ATTR, None)
        if status:
            result["x-amz-replication-status"] = status
        return result

    FakeKey.response_dict = property(response_dict)  # type: ignore[assignment,method-assign]

    original_notification = S3Response.get_bucket_notification

    def get_bucket_notification(self: S3Response) -> Any:
        config = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if config is None or getattr(config, "event_bridge", None) is None:
            return original_notification(self)

        def entry(item: Any, arn_key: str) -> dict[str, Any]:
            out = {"Id": item.id, arn_key: item.arn, "Events": item.events}
            if item.filters:
                out["Filter"] = {"Key": {"FilterRules": item.filters["S3Key"]["FilterRule"]}}
            return out

        result = {
            "TopicConfigurations": [entry(t, "TopicArn") for t in config.topic],
            "QueueConfigurations": [entry(q, "QueueArn") for q in config.queue],
            "LambdaFunctionConfigurations": [entry(c, "LambdaFunctionArn") for c in config.cloud_function],
            "EventBridgeConfiguration": {},
        }
        self.data["Action"] = "GetBucketNotificationConfiguration"
        return self.serialized(ActionResult(result))

    S3Response.get_bucket_notification = get_bucket_notification  # type: ignore[method-assign]

    original_replication = S3Response.get_bucket_replication

    def get_bucket_replication(self: S3Response) -> Any:
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            return original_replication(self)
        rules = []
        for rule in _as_list(replication.get("Rule")):
            filt = rule.get("Filter")
            out = {
                "ID": rule.get("ID"),
                "Priority": rule.get("Priority"),
                "Status": rule.get("Status"),
                "DeleteMarkerReplication": rule.get("DeleteMarkerReplication") or {"Status": "Disabled"},
                "Filter": filt if isinstance(filt, dict) and filt else {"Prefix": ""},
                "Destination": rule.get("Destination"),
            }
            for extra in ("SourceSelectionCriteria", "ExistingObjectReplication"):
                if rule.get(extra):
                    out[extra] = rule[extra]
            rules.append(out)
        self.data["Action"] = "GetBucketReplication"
        return self.serialized(
            ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}})
        )

    S3Response.get_bucket_replication = get_bucket_replication  # type: ignore[method-assign]

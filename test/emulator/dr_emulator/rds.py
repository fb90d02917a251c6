"""Aurora global database: SwitchoverGlobalCluster and FailoverGlobalCluster (moto 5.2.5
answers 500 to both).

Global clusters live in moto's us-east-1 backend (``RDSResponse.global_backend``); each
member cluster has ``is_writer``. Moving the writer updates both views:
- DescribeGlobalClusters: GlobalClusterMembers[].IsWriter / Readers (moto derives them
  from ``is_writer``);
- DescribeDBClusters: a secondary member reports the writer's ARN as
  ReplicationSourceIdentifier, the writer none (as Aurora does for global members).

With ``switchoverSeconds`` > 0 (see gateway.py, /dr-emulator/config) the global cluster
and both clusters first show ``switching-over`` / ``failing-over`` with a FailoverState,
and the writer moves when that time is up.

The old primary after FailoverGlobalCluster with AllowDataLoss, as Aurora does it: while
its region is unreachable it stays a member, not the writer, with
``SynchronizationStatus: pending-resync`` and no replication source (it is not
replicating); once its region answers again Aurora re-syncs it as a secondary of the new
writer (``connected``), which the emulator does on the next describe after the restore.
Every other member reports ``connected``. With a database hook set (dbhook.py: the live
sandbox's PostgreSQL servers), the servers move first and the writer only once they did;
the re-sync of a returning old primary starts ``resyncDelaySeconds`` after its region is
back and ends when the hook has rewound it into a standby. A cluster removed with RemoveFromGlobalCluster
stays detached (Aurora cannot re-add a cluster that holds data).

Settings moto drops or reports differently from RDS, which Terraform read back as drift:
- CreateGlobalCluster ``DatabaseName`` and ``Tags``: moto kept neither, so the global
  cluster (``database_name`` forces a new one) was replaced on every plan. RDS answers
  both (the database name is the source cluster's when made from one).
- ``EnableHttpEndpoint`` (RDS Data API) of a provisioned Aurora cluster: moto keeps it
  for Aurora Serverless v1 only; RDS enables the Data API on provisioned and Serverless
  v2 Aurora clusters too (on both members of a global database), at CreateDBCluster or
  with EnableHttpEndpoint / DisableHttpEndpoint (which moto lacks).
- ``ScalingConfigurationInfo``: moto answers an empty one for every cluster; RDS only
  for Aurora Serverless v1 (``EngineMode: serverless``).
- Performance Insights of an instance (``EnablePerformanceInsights``,
  ``PerformanceInsightsKMSKeyId``, ``PerformanceInsightsRetentionPeriod``): moto drops
  them. RDS answers them; when enabled without a key it uses the account's ``aws/rds``
  key, and keeps 7 days unless told otherwise.

An AWS rule moto does not apply: an RDS-managed master password (``ManageMasterUserPassword``)
is "not supported for DB clusters that are part of an Aurora global database" (Aurora User
Guide, Secrets Manager integration limitations). CreateDBCluster of a member with it,
ModifyDBCluster turning it on for a member, and CreateGlobalCluster from a source cluster
that has it answer ``InvalidParameterCombination`` (400), and nothing is changed. The
MasterUserPassword a global-database primary is created with is kept (moto dropped it).
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.responses import ActionResult
from moto.rds.exceptions import (
    DBClusterNotFoundError,
    InvalidDBClusterStateFault,
    InvalidParameterCombination,
    RDSClientError,
)
from moto.rds.models import DBCluster, DBInstance, GlobalCluster, RDSBackend, find_cluster, rds_backends
from moto.rds.responses import RDSResponse

from . import dbhook, state


class GlobalClusterNotFoundFault(RDSClientError):
    def __init__(self, identifier: str):
        super().__init__("GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")


class ManagedPasswordInGlobalCluster(InvalidParameterCombination):
    def __init__(self) -> None:
        super().__init__(
            "ManageMasterUserPassword is not supported for DB clusters that are part of an Aurora global database."
        )


class InvalidGlobalClusterState(RDSClientError):
    def __init__(self, message: str):
        super().__init__("InvalidGlobalClusterStateFault", message)


PENDING_RESYNC = "pending-resync"


def _start_resync(global_cluster: GlobalCluster, member: DBCluster) -> None:
    """The old primary's region answers again: with the sandbox's databases, re-sync it
    after ``resyncDelaySeconds`` in the background (dbhook.py), else at once."""
    if dbhook.hook_url() is None:
        member.dr_sync_status = "connected"
        return
    if getattr(member, "dr_resync_started", False):
        return
    member.dr_resync_started = True
    with state.STATE.lock:
        delay = state.STATE.config.resync_delay_seconds

    def resync() -> None:
        try:
            if state.is_down(member.region):
                return  # lost again before the re-sync began: the next describe after a restore tries again
            dbhook.call(
                {
                    "action": "resync",
                    "globalCluster": global_cluster.global_cluster_identifier,
                    "region": member.region,
                    "cluster": member.db_cluster_arn,
                }
            )
            member.dr_sync_status = "connected"
            _sync_replication_sources(global_cluster)
        except dbhook.DatabaseHookError as error:
            print(f"dr-emulator: re-sync of {member.db_cluster_identifier}: {error}", flush=True)
        finally:
            member.dr_resync_started = False

    timer = threading.Timer(delay, resync)
    timer.daemon = True
    timer.start()


def _sync_replication_sources(global_cluster: GlobalCluster) -> None:
    writer = next((m for m in global_cluster.members if m.is_writer), None)
    for member in global_cluster.members:
        if getattr(member, "dr_sync_status", None) == PENDING_RESYNC and not state.is_down(member.region):
            _start_resync(global_cluster, member)  # its region is back: Aurora re-syncs it
        pending = getattr(member, "dr_sync_status", None) == PENDING_RESYNC
        member.replication_source_identifier = (
            None if writer is None or member is writer or pending else writer.db_cluster_arn
        )


def _sync_all(backend: RDSBackend) -> None:
    for global_cluster in backend.global_clusters.values():
        _sync_replication_sources(global_cluster)


def _move_writer(
    self: RDSResponse, *, kind: str, allow_data_loss: bool
) -> ActionResult:
    params = self.params
    identifier = params.get("GlobalClusterIdentifier") or ""
    target_id = params.get("TargetDbClusterIdentifier") or ""
    global_cluster = self.global_backend.global_clusters.get(identifier)
    if global_cluster is None:
        raise GlobalClusterNotFoundFault(identifier)
    target: DBCluster | None = next(
        (
            m
            for m in global_cluster.members
            if target_id in (m.db_cluster_arn, m.db_cluster_identifier)
        ),
        None,
    )
    if target is None:
        raise DBClusterNotFoundError(
            target_id,
            f"The db cluster {target_id} is not a member of global cluster {identifier}.",
        )
    writer = next((m for m in global_cluster.members if m.is_writer), None)
    if global_cluster.status != "available":
        raise InvalidGlobalClusterState(
            f"Global cluster {identifier} is {global_cluster.status}, not available."
        )
    if writer is target:
        raise InvalidDBClusterStateFault(
            f"The db cluster {target_id} is already the primary cluster of global cluster {identifier}."
        )
    if kind == "switchover" and writer is not None and state.is_down(writer.region):
        # A switchover needs the old primary: it waits for it to catch up and demotes it.
        raise InvalidGlobalClusterState(
            f"Global cluster {identifier} cannot switch over: its primary cluster "
            f"{writer.db_cluster_identifier} in {writer.region} is unreachable. "
            "Use FailoverGlobalCluster with AllowDataLoss."
        )

    transit = "switching-over" if kind == "switchover" else "failing-over"

    # An old primary cut off by a failover cannot be demoted now: it must re-sync later.
    cut_off = writer if kind == "failover" and writer is not None and state.is_down(writer.region) else None

    def move_databases() -> None:
        # The data moves before the metadata says so (dbhook.py): a switchover's RPO 0 is
        # the reader caught up; a failover's loss is whatever was not shipped at the cut.
        dbhook.call(
            {
                "action": kind,
                "globalCluster": identifier,
                "fromRegion": writer.region if writer is not None else None,
                "toRegion": target.region,
                "fromCluster": writer.db_cluster_arn if writer is not None else None,
                "toCluster": target.db_cluster_arn,
                "allowDataLoss": allow_data_loss,
            }
        )

    def finish() -> None:
        for member in global_cluster.members:
            member.is_writer = member is target
            member.status = "available"
        if cut_off is not None:
            cut_off.dr_sync_status = PENDING_RESYNC
        _sync_replication_sources(global_cluster)
        global_cluster.status = "available"
        global_cluster.failover_state = None

    with state.STATE.lock:
        seconds = state.STATE.config.switchover_seconds
    if seconds > 0:
        global_cluster.status = transit
        global_cluster.failover_state = {
            "Status": "failing-over" if kind == "failover" else "switching-over",
            "FromDbClusterArn": writer.db_cluster_arn if writer else None,
            "ToDbClusterArn": target.db_cluster_arn,
            "IsDataLossAllowed": allow_data_loss,
        }
        for member in (writer, target):
            if member is not None:
                member.status = transit

        def finish_later() -> None:
            try:
                move_databases()
            except dbhook.DatabaseHookError as error:
                # The databases did not move: neither does the writer (the machine's wait
                # for the new writer times out and says so).
                print(f"dr-emulator: {kind} of {identifier}: {error}", flush=True)
                for member in (writer, target):
                    if member is not None:
                        member.status = "available"
                global_cluster.status = "available"
                global_cluster.failover_state = None
                return
            finish()

        timer = threading.Timer(seconds, finish_later)
        timer.daemon = True
        timer.start()
    else:
        try:
            move_databases()
        except dbhook.DatabaseHookError as error:
            raise InvalidGlobalClusterState(f"Global cluster {identifier} could not {kind}: {error}") from error
        finish()
    return ActionResult({"GlobalCluster": global_cluster})


def switchover_global_cluster(self: RDSResponse) -> ActionResult:
    return _move_writer(self, kind="switchover", allow_data_loss=False)


def failover_global_cluster(self: RDSResponse) -> ActionResult:
    params = self.params
    allow_data_loss = bool(params.get("AllowDataLoss"))
    switchover = bool(params.get("Switchover"))
    if allow_data_loss == switchover:
        raise InvalidParameterCombination(
            "Specify exactly one of AllowDataLoss and Switchover."
        )
    kind = "switchover" if switchover else "failover"
    return _move_writer(self, kind=kind, allow_data_loss=allow_data_loss)


def install() -> None:
    RDSResponse.switchover_global_cluster = switchover_global_cluster  # type: ignore[attr-defined]
    RDSResponse.failover_global_cluster = failover_global_cluster  # type: ignore[attr-defined]

    # A global cluster made from an existing cluster makes that cluster its writer
    # (moto 5.2.5 leaves it a reader, so the global cluster would have no writer).
    original_create = RDSBackend.create_global_cluster

    def create_global_cluster(self: RDSBackend, *args: Any, **kwargs: Any) -> GlobalCluster:
        global_cluster = original_create(self, *args, **kwargs)
        if global_cluster.members and not any(m.is_writer for m in global_cluster.members):
            global_cluster.members[0].is_writer = True
        return global_cluster

    RDSBackend.create_global_cluster = create_global_cluster  # type: ignore[method-assign]

    original_describe = RDSResponse.describe_db_clusters

    def describe_db_clusters(self: RDSResponse) -> ActionResult:
        _sync_all(self.global_backend)
        return original_describe(self)

    RDSResponse.describe_db_clusters = describe_db_clusters  # type: ignore[method-assign]

    original_describe_global = RDSResponse.describe_global_clusters

    def describe_global_clusters(self: RDSResponse) -> ActionResult:
        _sync_all(self.global_backend)
        return original_describe_global(self)

    RDSResponse.describe_global_clusters = describe_global_clusters  # type: ignore[method-assign]

    original_members = GlobalCluster.global_cluster_members

    def global_cluster_members(self: GlobalCluster) -> list[dict[str, Any]]:
        members = original_members.fget(self)  # type: ignore[union-attr]
        by_arn = {m.db_cluster_arn: m for m in self.members}
        for member in members:
            cluster = by_arn.get(member["DBClusterArn"])
            member["SynchronizationStatus"] = getattr(cluster, "dr_sync_status", None) or "connected"
        return members

    GlobalCluster.global_cluster_members = property(global_cluster_members)  # type: ignore[assignment,method-assign]

    _install_read_back()
    _install_managed_password_rule()


def _is_global_member(backend: RDSBackend, cluster: DBCluster) -> bool:
    # Global clusters live in the account's us-east-1 backend.
    global_clusters = rds_backends[backend.account_id]["us-east-1"].global_clusters.values()
    return any(cluster in g.members for g in global_clusters)


def _install_managed_password_rule() -> None:
    original_create_cluster = RDSBackend.create_db_cluster

    def create_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
        if kwargs.get("manage_master_user_password") and kwargs.get("global_cluster_identifier"):
            raise ManagedPasswordInGlobalCluster()
        cluster = original_create_cluster(self, kwargs)
        # moto drops the MasterUserPassword of a global-database member; RDS sets it (the
        # primary's master user), and the Data API's mapped database needs it (rdsdata.py).
        if kwargs.get("global_cluster_identifier") and kwargs.get("master_user_password"):
            cluster.master_user_password = kwargs["master_user_password"]
        return cluster

    RDSBackend.create_db_cluster = create_db_cluster  # type: ignore[method-assign]

    original_modify_cluster = RDSBackend.modify_db_cluster

    def modify_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
        cluster = self.clusters.get(kwargs.get("db_cluster_identifier") or "")
        if kwargs.get("manage_master_user_password") and cluster is not None and _is_global_member(self, cluster):
            raise ManagedPasswordInGlobalCluster()
        return original_modify_cluster(self, kwargs)

    RDSBackend.modify_db_cluster = modify_db_cluster  # type: ignore[method-assign]

    original_create_global = RDSBackend.create_global_cluster

    def create_global_cluster(self: RDSBackend, *args: Any, **kwargs: Any) -> GlobalCluster:
        source = kwargs.get("source_db_cluster_identifier")
        if source and source.startswith("arn:"):
            try:
                source_cluster = find_cluster(source)
            except Exception:  # noqa: BLE001 - moto's own create answers a missing source
                source_cluster = None
            if source_cluster is not None and getattr(source_cluster, "manage_master_user_password", False):
                raise ManagedPasswordInGlobalCluster()
        return original_create_global(self, *args, **kwargs)

    RDSBackend.create_global_cluster = create_global_cluster  # type: ignore[method-assign]


DATA_API_ENGINES = ("aurora-postgresql", "aurora-mysql")
PERFORMANCE_INSIGHTS_DEFAULT_DAYS = 7


def _global_cluster_settings(self: RDSResponse, global_cluster: GlobalCluster) -> None:
    params = self.params
    database_name = params.get("DatabaseName")
    source = global_cluster.members[0] if global_cluster.members else None
    global_cluster.database_name = database_name or getattr(source, "database_name", None)  # type: ignore[attr-defined]
    global_cluster.tags = params.get("Tags") or []


def _http_endpoint(self: RDSResponse, enabled: bool) -> ActionResult:
    arn = self.params.get("ResourceArn") or ""
    cluster = next((c for c in self.backend.clusters.values() if c.db_cluster_arn == arn), None)
    if cluster is None:
        raise DBClusterNotFoundError(arn)
    cluster.enable_http_endpoint = enabled
    return ActionResult({"ResourceArn": arn, "HttpEndpointEnabled": cluster.http_endpoint_enabled})


def enable_http_endpoint(self: RDSResponse) -> ActionResult:
    return _http_endpoint(self, True)


def disable_http_endpoint(self: RDSResponse) -> ActionResult:
    return _http_endpoint(self, False)


def _default_rds_key_arn(instance: DBInstance) -> str:
    kms = instance.backend.kms
    key_id = kms.get_key_id_from_alias("alias/aws/rds")
    return kms.describe_key(key_id).arn


def _install_read_back() -> None:
    original_create_global = RDSResponse.create_global_cluster

    def create_global_cluster(self: RDSResponse) -> ActionResult:
        result = original_create_global(self)
        identifier = self.params.get("GlobalClusterIdentifier") or ""
        global_cluster = self.global_backend.global_clusters.get(identifier)
        if global_cluster is not None:
            _global_cluster_settings(self, global_cluster)
        return result

    RDSResponse.create_global_cluster = create_global_cluster  # type: ignore[method-assign]
    RDSResponse.enable_http_endpoint = enable_http_endpoint  # type: ignore[attr-defined]
    RDSResponse.disable_http_endpoint = disable_http_endpoint  # type: ignore[attr-defined]

    http_endpoint = DBCluster.enable_http_endpoint

    def set_enable_http_endpoint(self: DBCluster, value: bool | None) -> None:
        http_endpoint.fset(self, value)  # type: ignore[attr-defined]
        if value is not None and self.engine_mode == "provisioned" and self.engine in DATA_API_ENGINES:
            self._enable_http_endpoint = bool(value)

    DBCluster.enable_http_endpoint = property(http_endpoint.fget, set_enable_http_endpoint)  # type: ignore[assignment,method-assign]

    scaling_info = DBCluster.scaling_configuration_info

    def scaling_configuration_info(self: DBCluster) -> dict[str, Any] | None:
        return scaling_info.fget(self) if self.engine_mode == "serverless" else None  # type: ignore[attr-defined]

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)  # type: ignore[assignment,method-assign]

    original_instance_init = DBInstance.__init__

    def instance_init(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_instance_init(self, *args, **kwargs)
        self.enable_performance_insights = bool(kwargs.get("enable_performance_insights"))
        self.dr_performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")
        self.dr_performance_insights_retention_period = kwargs.get("performance_insights_retention_period")

    DBInstance.__init__ = instance_init  # type: ignore[method-assign]

    def _enabled(self: DBInstance) -> bool:
        return bool(getattr(self, "enable_performance_insights", False))

    def _kms_key_id(self: DBInstance) -> str | None:
        if not _enabled(self):
            return None
        return getattr(self, "dr_performance_insights_kms_key_id", None) or _default_rds_key_arn(self)

    def _set_kms_key_id(self: DBInstance, value: str | None) -> None:
        self.dr_performance_insights_kms_key_id = value

    def _retention(self: DBInstance) -> int | None:
        if not _enabled(self):
            return None
        days = getattr(self, "dr_performance_insights_retention_period", None)
        return int(days) if days else PERFORMANCE_INSIGHTS_DEFAULT_DAYS

    def _set_retention(self: DBInstance, value: int | None) -> None:
        self.dr_performance_insights_retention_period = value

    # ModifyDBInstance sets every given parameter as an attribute of the same name.
    DBInstance.performance_insights_enabled = property(_enabled)  # type: ignore[attr-defined]
    DBInstance.performance_insights_kms_key_id = property(_kms_key_id, _set_kms_key_id)  # type: ignore[attr-defined]
    DBInstance.performance_insights_retention_period = property(_retention, _set_retention)  # type: ignore[attr-defined]

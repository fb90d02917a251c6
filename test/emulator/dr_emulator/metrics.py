"""Aurora's AuroraGlobalDBReplicationLag metric (moto never publishes AWS/RDS metrics).

Real Aurora emits ``AuroraGlobalDBReplicationLag`` (milliseconds, dimension
``DBClusterIdentifier``) for every secondary member of a global cluster, in that
member's region, for as long as it receives replication from the writer. With
``replicationLagMs`` set (see gateway.py, /dr-emulator/config) a publisher does the
same every few seconds: one datapoint per reader member, into the CloudWatch backend
of the member's region. Nothing is published for a member whose own region or whose
writer's region is down: a reader that hears nothing from its writer reports no lag,
which is what `dr verify-sync` treats as "replication may have stopped".

Off by default (``None``), so tests that need "no datapoint" or exact datapoints get
them; `dr sandbox up` turns it on.
"""

from __future__ import annotations

import threading
from moto.cloudwatch.models import cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.rds.models import rds_backends

from . import state

INTERVAL_SECONDS = 5.0
_thread: threading.Thread | None = None


def _region_of(cluster_arn: str) -> str:
    return cluster_arn.split(":")[3]


def publish_once() -> int:
    """One round of datapoints; returns how many were published.

    The round holds the state lock throughout, so once /dr-emulator/config has answered
    nothing from the earlier setting lands after it (a test that turns publishing off
    owns the metric from then on), and a snapshot never sees half a round.
    """
    with state.STATE.lock:
        return _publish_locked()


def _publish_locked() -> int:
    lag_ms = state.STATE.config.replication_lag_ms
    down = set(state.STATE.outages)
    if lag_ms is None:
        return 0
    published = 0
    for account_id, by_region in list(rds_backends.items()):
        backend = by_region.get("us-east-1") if hasattr(by_region, "get") else None
        if backend is None:
            continue
        for global_cluster in list(backend.global_clusters.values()):
            members = list(global_cluster.members)
            writer = next((m for m in members if m.is_writer), None)
            if writer is None or _region_of(writer.db_cluster_arn) in down:
                continue
            for member in members:
                region = _region_of(member.db_cluster_arn)
                if member is writer or region in down:
                    continue
                cloudwatch_backends[account_id or DEFAULT_ACCOUNT_ID][region].put_metric_data(
                    namespace="AWS/RDS",
                    metric_data=[
                        {
                            "MetricName": "AuroraGlobalDBReplicationLag",
                            "Value": float(lag_ms),
                            "Unit": "Milliseconds",
                            "Dimensions": [{"Name": "DBClusterIdentifier", "Value": member.db_cluster_identifier}],
                        }
                    ],
                )
                published += 1
    return published


def _run() -> None:
    while True:
        try:
            publish_once()
        except Exception as error:  # noqa: BLE001 - a half-reset backend must not kill the thread
            print(f"dr-emulator: replication-lag metric: {error}", flush=True)
        with state.STATE.lock:
            state.STATE.lock.wait(INTERVAL_SECONDS)


def install() -> None:
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_run, name="dr-aurora-lag", daemon=True)
        _thread.start()

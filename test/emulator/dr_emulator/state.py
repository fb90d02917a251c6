"""Shared state of the DR extension: region outages, forced health-check statuses,
timing knobs, the queue of cross-region replications still to apply, and the DB
clusters whose RDS Data API statements run on a PostgreSQL.

Everything here is process-global and guarded by one lock; the WSGI server is threaded.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

OUTAGE_MODES = ("refuse", "hang")


@dataclass
class Config:
    # Seconds a SwitchoverGlobalCluster / FailoverGlobalCluster spends in
    # "switching-over" / "failing-over" before the writer moves. 0 = at once.
    switchover_seconds: float = 0.0
    # Seconds before a DynamoDB item write or S3 object reaches the other region.
    # 0 = synchronously, before the write's response.
    replication_delay_seconds: float = 0.0
    # AuroraGlobalDBReplicationLag (ms) published for every reader member (metrics.py).
    # None = publish nothing, as moto does.
    replication_lag_ms: float | None = None
    # URL the sandbox's databases listen on for writer moves and re-syncs (dbhook.py).
    # None = no databases to move: the writer moves at once.
    database_hook: str | None = None
    # Seconds after an old primary's region answers again before its re-sync starts
    # (only with a database hook; without one it is re-synced on the next describe).
    resync_delay_seconds: float = 0.0


@dataclass
class _Pending:
    due: float
    apply: Callable[[], None]


@dataclass
class State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    # region -> mode ("refuse" | "hang")
    outages: dict[str, str] = field(default_factory=dict)
    # region -> Event set when that region's current outage ends
    restored: dict[str, threading.Event] = field(default_factory=dict)
    # Route 53 health-check id -> "Success" | "Failure"
    health_checks: dict[str, str] = field(default_factory=dict)
    config: Config = field(default_factory=Config)
    # target region -> replications waiting for their due time or for the region
    pending: dict[str, deque[_Pending]] = field(default_factory=dict)
    # DB cluster ARN (lower-case) -> PostgreSQL URL its RDS Data API statements run on
    # (rdsdata.py); cleared with moto's reset, like the clusters themselves
    data_api: dict[str, str] = field(default_factory=dict)


STATE = State()

# Called after moto's own reset (POST /moto-api/reset).
RESET_HOOKS: list[Callable[[], None]] = []


def outage_of(region: str | None) -> tuple[str | None, threading.Event | None]:
    """The outage mode of a region and the event set when it ends (None, None if up)."""
    if region is None:
        return None, None
    with STATE.lock:
        mode = STATE.outages.get(region)
        return (mode, STATE.restored[region]) if mode else (None, None)


def is_down(region: str) -> bool:
    with STATE.lock:
        return region in STATE.outages


def set_outage(region: str, mode: str) -> None:
    with STATE.lock:
        STATE.outages[region] = mode
        STATE.restored.setdefault(region, threading.Event())


def restore(region: str | None) -> None:
    """Ends the outage of one region, or of all when region is None."""
    with STATE.lock:
        regions = [region] if region else list(STATE.outages)
        for r in regions:
            STATE.outages.pop(r, None)
            event = STATE.restored.pop(r, None)
            if event:
                event.set()
        STATE.lock.notify_all()


def reset_data_state() -> None:
    """After moto's own reset: forget what referred to the wiped resources."""
    with STATE.lock:
        STATE.health_checks.clear()
        STATE.pending.clear()
    for hook in RESET_HOOKS:
        hook()


def replicate(target_region: str, apply: Callable[[], None]) -> None:
    """Applies a cross-region copy now, or later: after the configured delay, and never
    while the target region is down (it waits there until the region is restored)."""
    with STATE.lock:
        delay = STATE.config.replication_delay_seconds
        queue = STATE.pending.setdefault(target_region, deque())
        if delay <= 0 and not queue and target_region not in STATE.outages:
            apply()
            return
        queue.append(_Pending(time.monotonic() + delay, apply))
        STATE.lock.notify_all()
        _ensure_worker()


_worker: threading.Thread | None = None


def _ensure_worker() -> None:
    global _worker
    if _worker is None or not _worker.is_alive():
        _worker = threading.Thread(target=_run_worker, name="dr-replicator", daemon=True)
        _worker.start()


def _run_worker() -> None:
    while True:
        with STATE.lock:
            now = time.monotonic()
            next_due: float | None = None
            for region, queue in STATE.pending.items():
                if region in STATE.outages:
                    continue
                while queue and queue[0].due <= now:
                    item = queue.popleft()
                    try:
                        item.apply()
                    except Exception as error:  # noqa: BLE001 - a vanished target is not fatal
                        print(f"dr-emulator: replication to {region} failed: {error}", flush=True)
                if queue:
                    next_due = queue[0].due if next_due is None else min(next_due, queue[0].due)
            timeout = 1.0 if next_due is None else max(0.0, next_due - now)
            STATE.lock.wait(timeout)

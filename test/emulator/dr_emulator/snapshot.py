"""Snapshots of everything the emulator holds, and putting one back.

Test infrastructure: the test run deploys the synthesized stacks once (real Terraform), takes
a snapshot, and each test file that needs the platform restores it — a fresh deployed
platform per file without a second deploy, and nothing rebuilt by hand.

  POST /dr-emulator/snapshot   {"name": "deployed"}  -> {"name", "backends", "ms"}
  POST /dr-emulator/restore-snapshot {"name": "deployed"} -> {"name", "backends", "ms"}
  GET  /dr-emulator/snapshots  -> {"snapshots": ["deployed"]}

What a snapshot holds: every moto backend (all services, accounts and regions in use) and the
extension's own state that describes resources (global-table replica groups, the timing
knobs, Data API mappings). What it does not: region outages and forced health-check statuses
(a restore ends them, as moto's reset does), replications still queued, open PostgreSQL
connections. STS role sessions issued since the snapshot outlive a restore: they are
credentials someone holds, not part of the platform (a role the restore removed still
authorizes nothing: auth.py finds no policy for it).

How: one ``copy.deepcopy`` over all backends' attribute dictionaries, with the backend objects
themselves kept (a model that points at its backend keeps pointing at the live one, whose
attributes a restore replaces in place, so nothing that cached a backend holds a stale one).
Locks are new on every copy; threads are shared, not copied (see _clone).
"""

from __future__ import annotations

import collections
import copy
import enum
import io
import tempfile
import threading
import types
import weakref
import time
from typing import Any

from moto.core.base_backend import BackendDict
from moto.sts.models import sts_backends

from . import dynamodb, state

_snapshots: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()

_ATOMIC = (type(None), bool, int, float, complex, str, bytes, range, type, types.FunctionType,
           types.BuiltinFunctionType, types.ModuleType, types.MethodWrapperType, weakref.ref)
_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


def _clone(value: Any, memo: dict[int, Any]) -> Any:
    """A deep copy that, unlike ``copy.deepcopy``, never calls a class's constructor or its
    pickling hooks (moto has dict subclasses whose ``__init__`` needs arguments): containers
    are rebuilt, other objects get ``cls.__new__`` and a copy of their attributes. Locks,
    conditions and events are new; a running thread is shared."""
    if isinstance(value, _ATOMIC):
        return value
    found = memo.get(id(value), _MISSING)
    if found is not _MISSING:
        return found
    kind = type(value)
    if kind is list:
        out_list: list[Any] = []
        memo[id(value)] = out_list
        out_list.extend(_clone(v, memo) for v in value)
        return out_list
    if kind is tuple:
        out_tuple = tuple(_clone(v, memo) for v in value)
        memo[id(value)] = out_tuple
        return out_tuple
    if kind is dict:
        out_dict: dict[Any, Any] = {}
        memo[id(value)] = out_dict
        for k, v in value.items():
            out_dict[_clone(k, memo)] = _clone(v, memo)
        return out_dict
    if kind in (set, frozenset):
        out_set = kind(_clone(v, memo) for v in value)
        memo[id(value)] = out_set
        return out_set
    if kind is _LOCK:
        return threading.Lock()
    if kind is _RLOCK:
        return threading.RLock()
    if isinstance(value, threading.Condition):
        return threading.Condition()
    if isinstance(value, threading.Event):
        event = threading.Event()
        if value.is_set():
            event.set()
        return event
    if isinstance(value, (threading.Thread, types.GeneratorType)):
        return value
    if kind is types.MethodType:
        return types.MethodType(value.__func__, _clone(value.__self__, memo))
    if kind is bytearray:
        return bytearray(value)
    if isinstance(value, io.BytesIO):
        buffer = io.BytesIO(value.getvalue())
        buffer.seek(value.tell())
        return buffer
    if isinstance(value, tempfile.SpooledTemporaryFile):
        # moto's S3 keeps object bodies in these (a real file once they outgrow memory).
        position = value.tell()
        value.seek(0)
        body = value.read()
        value.seek(position)
        spooled = tempfile.SpooledTemporaryFile(max_size=value._max_size)  # noqa: SIM115, SLF001
        spooled.write(body)
        spooled.seek(position)
        memo[id(value)] = spooled
        return spooled
    container = isinstance(value, (dict, list, set, collections.deque))
    slots = [slot for cls in kind.__mro__ for slot in _slots_of(cls)]
    if not container and not hasattr(value, "__dict__") and not slots:
        # Immutable or opaque (datetime, Decimal, UUID, enum members, compiled patterns...):
        # shared, as copy.deepcopy does for atomic values.
        return value
    if isinstance(value, enum.Enum):
        return value
    try:
        out = kind.__new__(kind)
    except TypeError:
        return value  # a C type that needs arguments (functools.partial...): shared
    memo[id(value)] = out
    if isinstance(value, dict):
        if isinstance(value, collections.defaultdict):
            out.default_factory = value.default_factory
        # The raw entries: a subclass may present others (moto's key store shows the
        # newest version of a list it holds).
        # OrderedDict keeps its own order list: entries go in through its own __setitem__.
        put = collections.OrderedDict.__setitem__ if isinstance(value, collections.OrderedDict) else dict.__setitem__
        for k, v in dict.items(value):
            put(out, _clone(k, memo), _clone(v, memo))
    elif isinstance(value, list):
        list.extend(out, [_clone(v, memo) for v in list.__iter__(value)])
    elif isinstance(value, set):
        set.update(out, [_clone(v, memo) for v in value])
    elif isinstance(value, collections.deque):
        out.extend(_clone(v, memo) for v in value)
    if hasattr(value, "__dict__"):
        for k, v in vars(value).items():
            object.__setattr__(out, k, _clone(v, memo))
    for slot in slots:
        if hasattr(value, slot):
            object.__setattr__(out, slot, _clone(getattr(value, slot), memo))
    return out


_MISSING = object()


def _slots_of(cls: type) -> tuple[str, ...]:
    slots = cls.__dict__.get("__slots__", ())
    names = (slots,) if isinstance(slots, str) else tuple(slots)
    return tuple(n for n in names if n not in ("__dict__", "__weakref__"))


def _backends() -> list[tuple[BackendDict[Any], str, str, Any]]:
    found: list[tuple[BackendDict[Any], str, str, Any]] = []
    for backend_dict in list(BackendDict._instances):  # type: ignore[misc]
        for account, region, backend in backend_dict.iter_backends():
            found.append((backend_dict, account, region, backend))
    return found


def _keep_as_is(backends: list[tuple[BackendDict[Any], str, str, Any]]) -> dict[int, Any]:
    """deepcopy memo: objects shared, never copied (the live backends, running threads)."""
    memo: dict[int, Any] = {}
    for backend_dict, account, _, backend in backends:
        memo[id(backend)] = backend
        memo[id(backend_dict)] = backend_dict
        account_backend = dict.get(backend_dict, account)
        memo[id(account_backend)] = account_backend
    for thread in threading.enumerate():
        memo[id(thread)] = thread
    return memo


def take(name: str) -> dict[str, Any]:
    started = time.monotonic()
    backends = _backends()
    with dynamodb._lock, state.STATE.lock:  # noqa: SLF001 - same package
        extension = {
            "dynamodb_groups": {key: set(members) for key, members in dynamodb._groups.items()},  # noqa: SLF001
            "config": copy.copy(state.STATE.config),
            "data_api": dict(state.STATE.data_api),
        }
    # Each region backend keyed by (its BackendDict, account, region): the BackendDict object
    # is kept (a restore puts entries back into the same dictionaries moto looks up).
    entries = [(backend_dict, account, region, backend, backend.__dict__) for backend_dict, account, region, backend in backends]
    memo = _keep_as_is(backends)
    copied = _clone([entry[4] for entry in entries], memo)
    snapshot = {
        "entries": [(e[0], e[1], e[2], e[3], attrs) for e, attrs in zip(entries, copied, strict=True)],
        "extension": extension,
    }
    with _lock:
        _snapshots[name] = snapshot
    return {"name": name, "backends": len(entries), "ms": round((time.monotonic() - started) * 1000)}


def restore(name: str) -> dict[str, Any] | None:
    started = time.monotonic()
    with _lock:
        snapshot = _snapshots.get(name)
    if snapshot is None:
        return None
    entries = snapshot["entries"]
    kept = {id(entry[3]) for entry in entries}
    sessions = {(account, region): list(sts.assumed_roles) for account, region, sts in sts_backends.iter_backends()}
    live = _backends()
    memo = _keep_as_is(live + [(e[0], e[1], e[2], e[3]) for e in entries])
    attrs = _clone([entry[4] for entry in entries], memo)
    # Backends created after the snapshot (a service first used later) are emptied.
    for _, _, _, backend in live:
        if id(backend) not in kept:
            backend.reset()
    for (backend_dict, account, region, backend, _), fresh in zip(entries, attrs, strict=True):
        backend.__dict__.clear()
        backend.__dict__.update(fresh)
        account_backend = backend_dict[account]
        if account_backend.get(region) is not backend:
            account_backend[region] = backend
        if backend_dict not in BackendDict._instances:  # type: ignore[misc]
            BackendDict._instances.append(backend_dict)  # type: ignore[misc]
    for account, region, sts in sts_backends.iter_backends():
        held = {session.access_key_id for session in sts.assumed_roles}
        sts.assumed_roles.extend(s for s in sessions.get((account, region), []) if s.access_key_id not in held)
    state.reset_data_state()
    extension = snapshot["extension"]
    with dynamodb._lock, state.STATE.lock:  # noqa: SLF001
        dynamodb._groups.clear()  # noqa: SLF001
        dynamodb._groups.update({key: set(members) for key, members in extension["dynamodb_groups"].items()})  # noqa: SLF001
        state.STATE.config = copy.copy(extension["config"])
        state.STATE.data_api.update(extension["data_api"])
    state.restore(None)
    return {"name": name, "backends": len(entries), "ms": round((time.monotonic() - started) * 1000)}


def names() -> list[str]:
    with _lock:
        return sorted(_snapshots)

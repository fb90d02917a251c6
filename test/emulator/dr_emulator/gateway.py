"""The region outage switch and the extension's control endpoint, at moto's WSGI entry
point (``DomainDispatcherApplication.__call__``).

Every signed request names its region in the SigV4 credential scope (the Authorization
header, or X-Amz-Credential for a presigned URL). While that region is marked down:

- ``refuse``: the TCP connection is reset without an HTTP answer (SO_LINGER 0, then the
  socket is shut down), so a client fails at once with ECONNRESET / "socket hang up".
- ``hang``: the request is held without an answer until the region is restored or the
  client gives up; a request held across the restore is then dropped unanswered (a
  packet lost in a blackhole is not delivered later).

Route 53 and IAM count as us-east-1 whatever region they were signed for (their control
planes live there; with an endpoint override the SDKs sign them for the client's region).
The ``aws-sdk:*`` task calls of moto's own state machines come back over HTTP signed for
the state machine's region, so they are cut too. Unsigned requests, moto's ``/moto-api/*`` and this
extension's ``/dr-emulator/*`` endpoint are never cut.

Control endpoint (JSON, unsigned):
  POST /dr-emulator/outage        {"region": "us-east-1", "mode": "refuse" | "hang"}
  POST /dr-emulator/restore       {"region": "us-east-1"}   (no region: restore all)
  GET  /dr-emulator/outages       -> {"outages": {"us-east-1": "hang"}}
  POST /dr-emulator/health-check  {"id": "...", "status": "Failure" | "Success" | null}
  GET|POST /dr-emulator/config    {"switchoverSeconds": 0, "replicationDelaySeconds": 0,
                                   "replicationLagMs": null, "databaseHook": null,
                                   "resyncDelaySeconds": 0} (dbhook.py: the sandbox's databases)
  POST /dr-emulator/rds-data      {"clusterArn": "arn:aws:rds:REGION:ACCOUNT:cluster:NAME",
                                   "url": "postgresql://user:pass@127.0.0.1:5432/db" | null}
                                  maps a DB cluster to the PostgreSQL its RDS Data API
                                  statements run on (rdsdata.py); null removes the mapping
  GET  /dr-emulator/rds-data      -> {"clusters": {ARN: "postgresql://user@host:port/db"}}
                                  (no passwords)
  POST /dr-emulator/snapshot      {"name": "deployed"}: everything held, kept in memory
  POST /dr-emulator/restore-snapshot {"name": "deployed"}: put back (snapshot.py)
  GET  /dr-emulator/snapshots     -> {"snapshots": ["deployed"]}
  POST /dr-emulator/service-credentials {"roleArn": ..., "service": "lambda.amazonaws.com",
                                  "region": ...} -> a session of the role, as that AWS
                                  service gets it (403 unless the role trusts it; auth.py)
  GET  /dr-emulator/iam/unresolved -> actions authorized without a resource (auth.py)
"""

from __future__ import annotations

import json
import re
import socket
import struct
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from . import metrics, rdsdata, replay, snapshot, state

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
PREFIX = "/dr-emulator/"


# Global services whose control plane lives in one region. AWS SDKs sign them for that
# region against the real endpoints, but with an endpoint override (as here) they sign
# for the client's configured region, so the switch attributes them by service.
HOME_REGIONS = {"route53": "us-east-1", "iam": "us-east-1"}


def signed_region(environ: dict[str, Any]) -> str | None:
    """The region a request is for: the SigV4 credential scope
    (Credential=AKID/DATE/REGION/SERVICE/aws4_request), or the home region of a global
    service (Route 53, IAM)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = re.search(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/", auth)
    if not match:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        credential = (query.get("X-Amz-Credential") or [""])[0]
        match = re.match(r"[^/]+/\d{8}/([^/]+)/([^/]+)/", credential)
    if not match:
        return None
    region, service = match.group(1), match.group(2).lower()
    return HOME_REGIONS.get(service, region)


class _Dropped(ConnectionAbortedError):
    """Raised after cutting a connection; werkzeug treats it as a dropped client."""


def _cut(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            # Linger 0: closing sends RST instead of FIN; shutdown stops the keep-alive loop.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise _Dropped("dr-emulator: region outage")


def _json(start_response: Any, status: int, body: Any) -> list[bytes]:
    data = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "OK")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw:
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _control(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    method = environ.get("REQUEST_METHOD", "GET")
    action = environ.get("PATH_INFO", "")[len(PREFIX) :].strip("/")
    try:
        body = _read_json(environ) if method == "POST" else {}
    except ValueError as error:
        return _json(start_response, 400, {"error": f"invalid JSON body: {error}"})
    from . import auth  # imports this module: loaded at the first call, not at import

    answered = auth.control(method, action, body)
    if answered is not None:
        return _json(start_response, *answered)

    def outages() -> list[bytes]:
        with state.STATE.lock:
            return _json(start_response, 200, {"outages": dict(state.STATE.outages)})

    region = body.get("region")
    if region is not None and (not isinstance(region, str) or not REGION_RE.match(region)):
        return _json(start_response, 400, {"error": f"region must look like us-east-1, got {region!r}"})

    if action == "outages" and method == "GET":
        return outages()
    if action == "outage" and method == "POST":
        mode = body.get("mode", "refuse")
        if region is None or mode not in state.OUTAGE_MODES:
            return _json(
                start_response,
                400,
                {"error": f"need region and mode in {list(state.OUTAGE_MODES)}, got {region!r}, {mode!r}"},
            )
        state.set_outage(region, mode)
        return outages()
    if action == "restore" and method == "POST":
        state.restore(region)
        return outages()
    if action == "health-check" and method == "POST":
        check_id, status = body.get("id"), body.get("status")
        if not isinstance(check_id, str) or status not in ("Success", "Failure", None):
            return _json(
                start_response, 400, {"error": f"need id and status Success|Failure|null, got {check_id!r}, {status!r}"}
            )
        with state.STATE.lock:
            if status is None:
                state.STATE.health_checks.pop(check_id, None)
            else:
                state.STATE.health_checks[check_id] = status
            return _json(start_response, 200, {"healthChecks": dict(state.STATE.health_checks)})
    if action == "config" and method in ("GET", "POST"):
        with state.STATE.lock:
            config = state.STATE.config
            for key, attr in (
                ("switchoverSeconds", "switchover_seconds"),
                ("replicationDelaySeconds", "replication_delay_seconds"),
                ("resyncDelaySeconds", "resync_delay_seconds"),
            ):
                if key in body:
                    value = body[key]
                    if not isinstance(value, (int, float)) or value < 0 or value > 600:
                        return _json(start_response, 400, {"error": f"{key} must be 0..600 seconds, got {value!r}"})
                    setattr(config, attr, float(value))
            if "databaseHook" in body:
                value = body["databaseHook"]
                if value is not None and (not isinstance(value, str) or not value.startswith("http://127.0.0.1:")):
                    return _json(start_response, 400, {"error": f"databaseHook must be null or an http://127.0.0.1:PORT/ URL, got {value!r}"})
                config.database_hook = value
            if "replicationLagMs" in body:
                value = body["replicationLagMs"]
                if value is not None and (not isinstance(value, (int, float)) or value < 0 or value > 3_600_000):
                    return _json(start_response, 400, {"error": f"replicationLagMs must be null or 0..3600000, got {value!r}"})
                config.replication_lag_ms = None if value is None else float(value)
                # Publish now, before answering: a caller that checks the metric right after
                # switching it on must find a datapoint (the thread adds one every few seconds).
                metrics.publish_once()
            return _json(
                start_response,
                200,
                {
                    "switchoverSeconds": config.switchover_seconds,
                    "replicationDelaySeconds": config.replication_delay_seconds,
                    "replicationLagMs": config.replication_lag_ms,
                    "databaseHook": config.database_hook,
                    "resyncDelaySeconds": config.resync_delay_seconds,
                },
            )
    if action in ("snapshot", "restore-snapshot") and method == "POST":
        name = body.get("name")
        if not isinstance(name, str) or not name:
            return _json(start_response, 400, {"error": f"need a snapshot name, got {name!r}"})
        if action == "snapshot":
            return _json(start_response, 200, snapshot.take(name))
        restored = snapshot.restore(name)
        if restored is None:
            return _json(start_response, 404, {"error": f"no snapshot named {name!r}: take it first (POST {PREFIX}snapshot)"})
        return _json(start_response, 200, restored)
    if action == "snapshots" and method == "GET":
        return _json(start_response, 200, {"snapshots": snapshot.names()})
    if action == "rds-data" and method == "GET":
        return _json(start_response, 200, rdsdata.listing())
    if action == "rds-data" and method == "POST":
        status, answer = rdsdata.control(body)
        return _json(start_response, status, answer)
    return _json(start_response, 404, {"error": f"no such control action: {method} {PREFIX}{action}"})


def install() -> None:
    original_call = DomainDispatcherApplication.__call__

    def __call__(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return _control(environ, start_response)
        if path.startswith("/moto-api"):
            result = original_call(self, environ, start_response)
            if path.rstrip("/") == "/moto-api/reset":
                state.reset_data_state()
            return result
        region = signed_region(environ)
        mode, restored = state.outage_of(region)
        if mode == "hang" and restored is not None:
            restored.wait()
            _cut(environ)
        elif mode is not None:
            _cut(environ)
        return replay.serve(lambda env, respond: original_call(self, env, respond), environ, start_response)

    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]

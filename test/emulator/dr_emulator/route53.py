"""Route 53: health-check status and TestDNSAnswer, which moto 5.2.5 lacks.

- GetHealthCheckStatus: moto always reports every health check healthy. POST
  /dr-emulator/health-check {"id": ..., "status": "Failure"} (see gateway.py) forces
  what it reports for that health check until it is set back to "Success", cleared
  (status null) or moto is reset.
- TestDNSAnswer (GET /2013-04-01/testdnsanswer?hostedzoneid=&recordname=&recordtype=):
  moto has no route for it. It answers as Route 53's authoritative servers would, from
  the zone's record sets and the same health-check statuses:
  - the name is matched case-insensitively, with or without the trailing dot; a name
    with no record set at all is NXDOMAIN, a name with other types only is NOERROR with
    no data, and a CNAME answers a query for any type (as DNS does);
  - a simple record set answers its values;
  - a failover pair answers the PRIMARY while its health check is healthy, else the
    SECONDARY while its own is (or it has none), else the PRIMARY (when every record is
    unhealthy Route 53 answers as if all were healthy);
  - a health check is healthy unless forced to "Failure"; a disabled one is healthy;
    ``Inverted`` flips either (as Route 53 does);
  - other routing policies (weighted, latency, ...) answer their first healthy record
    set, without weights or latency; an alias answers its target's values when the
    target is in the same zone, else the target's DNS name.
  Route 53's control plane lives in us-east-1, so the outage switch cuts this call with
  that region, like every other Route 53 API call.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.route53 import urls as route53_urls
from moto.route53.models import FakeZone, RecordSet, Route53Backend
from moto.route53.responses import Route53

from . import state

STATUS_TEXT = {
    "Success": "Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK",
    "Failure": "Failure: HTTP Status Code: 503. Resolved IP: 127.0.13.37. Service Unavailable",
}


DEFAULT_NAMESERVER = "ns-2048.awsdns-64.com"
MAX_ALIAS_DEPTH = 8


def _fqdn(name: str) -> str:
    return name.strip().rstrip(".").lower() + "."


def is_healthy(backend: Route53Backend, health_check_id: str | None) -> bool:
    """The status Route 53's DNS uses for a health check: forced, disabled, inverted."""
    if not health_check_id:
        return True
    health_check = backend.health_checks.get(health_check_id)
    with state.STATE.lock:
        forced = state.STATE.health_checks.get(health_check_id)
    if health_check is None:
        return forced != "Failure"
    healthy = True if health_check.disabled else forced != "Failure"
    return not healthy if health_check.inverted else healthy


def _choose(backend: Route53Backend, record_sets: list[RecordSet]) -> RecordSet:
    simple = [r for r in record_sets if not r.set_identifier]
    if simple:
        return simple[0]
    primary = next((r for r in record_sets if (r.failover or "").upper() == "PRIMARY"), None)
    secondary = next((r for r in record_sets if (r.failover or "").upper() == "SECONDARY"), None)
    if primary is not None or secondary is not None:
        if primary is not None and is_healthy(backend, primary.health_check_id):
            return primary
        if secondary is not None and is_healthy(backend, secondary.health_check_id):
            return secondary
        return primary or secondary  # type: ignore[return-value]
    ordered = sorted(record_sets, key=lambda r: r.set_identifier or "")
    return next((r for r in ordered if is_healthy(backend, r.health_check_id)), ordered[0])


def answer(
    backend: Route53Backend, zone: FakeZone, name: str, record_type: str, depth: int = 0
) -> tuple[str, list[str]]:
    """(response code, record data) for one query of a zone."""
    wanted = _fqdn(name)
    named = [r for r in zone.rrsets if _fqdn(r.name) == wanted]
    if not named:
        return "NXDOMAIN", []
    typed = [r for r in named if (r.type or "").upper() == record_type]
    if not typed and record_type != "CNAME":
        typed = [r for r in named if (r.type or "").upper() == "CNAME"]
    if not typed:
        return "NOERROR", []
    chosen = _choose(backend, typed)
    alias: dict[str, Any] | None = chosen.alias_target
    if alias:
        target = str(alias.get("DNSName") or "")
        in_zone = _fqdn(target) == _fqdn(zone.name) or _fqdn(target).endswith("." + _fqdn(zone.name))
        if in_zone and depth < MAX_ALIAS_DEPTH:
            return answer(backend, zone, target, record_type, depth + 1)
        return "NOERROR", [target]
    return "NOERROR", [str(v) for v in chosen.records or []]


def test_dns_answer(self: Route53) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))  # NoSuchHostedZone
    record_name = self._get_param("RecordName") or ""
    record_type = (self._get_param("RecordType") or "").upper()
    code, data = answer(self.backend, zone, record_name, record_type)
    name_servers = getattr(zone.delegation_set, "name_servers", None) or [DEFAULT_NAMESERVER]
    return ActionResult(
        {
            "Nameserver": name_servers[0],
            "RecordName": record_name,
            "RecordType": record_type,
            "RecordData": data,
            "ResponseCode": code,
            "Protocol": "UDP",
        }
    )


def install() -> None:
    route53_urls.url_paths[r"{0}/(?P<api_version>[\d_-]+)/testdnsanswer$"] = Route53.dispatch
    Route53.test_dns_answer = test_dns_answer  # type: ignore[attr-defined]

    original = Route53.get_health_check_status

    def get_health_check_status(self: Route53) -> ActionResult:
        result = original(self)  # validates that the health check exists
        health_check_id = self._get_param("HealthCheckId")
        with state.STATE.lock:
            forced = state.STATE.health_checks.get(health_check_id)
        if forced is None:
            return result
        return ActionResult(
            {
                "HealthCheckObservations": [
                    {
                        "Region": "us-east-1",
                        "IPAddress": "127.0.13.37",
                        "StatusReport": {"Status": STATUS_TEXT[forced], "CheckedTime": utcnow()},
                    }
                ]
            }
        )

    Route53.get_health_check_status = get_health_check_status  # type: ignore[method-assign]

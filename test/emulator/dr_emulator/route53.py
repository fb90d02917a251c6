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
- DNSSEC signing (``aws_route53_key_signing_key``, ``aws_route53_hosted_zone_dnssec``):
  moto has no route for CreateKeySigningKey, Activate/Deactivate/DeleteKeySigningKey,
  EnableHostedZoneDNSSEC or DisableHostedZoneDNSSEC, and its GetDNSSEC always answers
  NOT_SIGNING with no keys. As AWS does:
  - CreateKeySigningKey takes a KMS key that exists in us-east-1, is enabled, and is
    ECC_NIST_P256 / SIGN_VERIFY (else ``InvalidKMSArn``); a name of 3-128 letters, digits
    and underscores, unique in the zone; at most two keys a zone. The key's DNSKEY/DS
    values come from the KMS key's real public key (flag 257, algorithm 13
    ECDSAP256SHA256, digest 2 SHA-256, key tag of RFC 4034 appendix B);
  - EnableHostedZoneDNSSEC needs an ACTIVE key (``KeySigningKeyWithActiveStatusNotFound``);
    DeactivateKeySigningKey refuses the last ACTIVE key of a signing zone
    (``KeySigningKeyInUse``); DeleteKeySigningKey refuses an ACTIVE key
    (``InvalidKeySigningKeyStatus``);
  - every change is INSYNC at once (GetChange answers INSYNC for any id).
- CreateQueryLoggingConfig: moto finds the log group only when the ARN ends in ``:*``;
  AWS also accepts the log group's ARN without it (the form ``aws_cloudwatch_log_group``
  exports). Both are accepted; the config keeps the ARN as given, as AWS does.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random
from moto.route53 import urls as route53_urls
from moto.route53.exceptions import Route53ClientError
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


# --- DNSSEC signing -------------------------------------------------------------------

KSK_NAME = re.compile(r"^[0-9A-Za-z_]{3,128}$")
MAX_KEY_SIGNING_KEYS = 2
KSK_FLAG = 257
DNSSEC_PROTOCOL = 3
ECDSAP256SHA256 = 13
SHA256_DIGEST = 2


def _error(code: str, message: str) -> Route53ClientError:
    return Route53ClientError(code, message)


def _dnssec(zone: FakeZone) -> dict[str, Any]:
    """The zone's DNSSEC state: serve signature and key-signing keys by name."""
    return zone.__dict__.setdefault("dr_dnssec", {"ServeSignature": "NOT_SIGNING", "keys": {}})


def _change() -> dict[str, Any]:
    change_id = "C" + mock_random.get_random_string(length=13).upper()
    return {"Id": f"/change/{change_id}", "Status": "INSYNC", "SubmittedAt": utcnow()}


def _signing_public_key(account_id: str, kms_arn: str) -> bytes:
    """The KMS key's P-256 public point (x || y), as a DNSKEY of algorithm 13 holds it."""
    from moto.kms.models import kms_backends

    invalid = _error(
        "InvalidKMSArn",
        f"The KeyManagementServiceArn {kms_arn} can't sign DNSSEC: it must be an enabled "
        "ECC_NIST_P256 SIGN_VERIFY customer managed key in us-east-1.",
    )
    match = re.match(r"^arn:aws[\w-]*:kms:us-east-1:(\d{12}):key/(.+)$", kms_arn)
    if not match or match.group(1) != account_id:
        raise invalid
    key = kms_backends[account_id]["us-east-1"].keys.get(match.group(2))
    if key is None or (key.key_state, key.key_spec, key.key_usage) != ("Enabled", "ECC_NIST_P256", "SIGN_VERIFY"):
        raise invalid
    numbers = key.private_key.private_key.public_key().public_numbers()
    return numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")


def _key_tag(rdata: bytes) -> int:
    """RFC 4034 appendix B."""
    total = sum(b if i & 1 else b << 8 for i, b in enumerate(rdata))
    total += (total >> 16) & 0xFFFF
    return total & 0xFFFF


def _wire_name(name: str) -> bytes:
    labels = [label for label in name.lower().rstrip(".").split(".") if label]
    return b"".join(bytes([len(label)]) + label.encode() for label in labels) + b"\0"


def _key_signing_key(zone: FakeZone, name: str, kms_arn: str, status: str, public_key: bytes) -> dict[str, Any]:
    rdata = KSK_FLAG.to_bytes(2, "big") + bytes([DNSSEC_PROTOCOL, ECDSAP256SHA256]) + public_key
    key_tag = _key_tag(rdata)
    digest = hashlib.sha256(_wire_name(zone.name) + rdata).hexdigest().upper()
    encoded = base64.b64encode(public_key).decode()
    now = utcnow()
    return {
        "Name": name,
        "KmsArn": kms_arn,
        "Flag": KSK_FLAG,
        "SigningAlgorithmMnemonic": "ECDSAP256SHA256",
        "SigningAlgorithmType": ECDSAP256SHA256,
        "DigestAlgorithmMnemonic": "SHA-256",
        "DigestAlgorithmType": SHA256_DIGEST,
        "KeyTag": key_tag,
        "DigestValue": digest,
        "PublicKey": encoded,
        "DSRecord": f"{key_tag} {ECDSAP256SHA256} {SHA256_DIGEST} {digest}",
        "DNSKEYRecord": f"{KSK_FLAG} {DNSSEC_PROTOCOL} {ECDSAP256SHA256} {encoded}",
        "Status": status,
        "CreatedDate": now,
        "LastModifiedDate": now,
    }


def create_key_signing_key(self: Route53) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))  # NoSuchHostedZone
    name = self._get_param("Name") or ""
    kms_arn = self._get_param("KeyManagementServiceArn") or ""
    status = self._get_param("Status") or ""
    keys = _dnssec(zone)["keys"]
    if not KSK_NAME.match(name):
        raise _error("InvalidKeySigningKeyName", f"Invalid key-signing key name {name!r}.")
    if status not in ("ACTIVE", "INACTIVE"):
        raise _error("InvalidKeySigningKeyStatus", f"Invalid key-signing key status {status!r}.")
    if name in keys:
        raise _error("KeySigningKeyAlreadyExists", f"A key-signing key named {name} already exists.")
    if len(keys) >= MAX_KEY_SIGNING_KEYS:
        raise _error("TooManyKeySigningKeys", f"The zone already has {MAX_KEY_SIGNING_KEYS} key-signing keys.")
    if any(k["KmsArn"] == kms_arn for k in keys.values()):
        raise _error("InvalidKMSArn", "Another key-signing key of the zone uses this KMS key.")
    key = _key_signing_key(zone, name, kms_arn, status, _signing_public_key(self.current_account, kms_arn))
    keys[name] = key
    return ActionResult(
        {
            "ChangeInfo": _change(),
            "KeySigningKey": key,
            "Location": f"https://route53.amazonaws.com/2013-04-01/keysigningkey/{zone.resource_id}/{name}",
        }
    )


def _existing_key(self: Route53) -> tuple[dict[str, Any], dict[str, Any]]:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))
    dnssec = _dnssec(zone)
    key = dnssec["keys"].get(self._get_param("Name") or "")
    if key is None:
        raise _error("NoSuchKeySigningKey", "The specified key-signing key (KSK) doesn't exist.")
    return dnssec, key


def _set_status(key: dict[str, Any], status: str) -> ActionResult:
    key["Status"] = status
    key["LastModifiedDate"] = utcnow()
    return ActionResult({"ChangeInfo": _change()})


def activate_key_signing_key(self: Route53) -> ActionResult:
    _, key = _existing_key(self)
    return _set_status(key, "ACTIVE")


def deactivate_key_signing_key(self: Route53) -> ActionResult:
    dnssec, key = _existing_key(self)
    others_active = [k for k in dnssec["keys"].values() if k is not key and k["Status"] == "ACTIVE"]
    if dnssec["ServeSignature"] == "SIGNING" and key["Status"] == "ACTIVE" and not others_active:
        raise _error(
            "KeySigningKeyInUse",
            "The key-signing key (KSK) is the only active KSK of a zone that signs: "
            "disable DNSSEC signing, or activate another KSK.",
        )
    return _set_status(key, "INACTIVE")


def delete_key_signing_key(self: Route53) -> ActionResult:
    dnssec, key = _existing_key(self)
    if key["Status"] == "ACTIVE":
        raise _error("InvalidKeySigningKeyStatus", "Deactivate the key-signing key (KSK) before deleting it.")
    del dnssec["keys"][key["Name"]]
    return ActionResult({"ChangeInfo": _change()})


def get_dnssec(self: Route53) -> ActionResult:
    dnssec = _dnssec(self.backend.get_hosted_zone(self._get_param("HostedZoneId")))
    return ActionResult(
        {"Status": {"ServeSignature": dnssec["ServeSignature"]}, "KeySigningKeys": list(dnssec["keys"].values())}
    )


def enable_hosted_zone_dnssec(self: Route53) -> ActionResult:
    dnssec = _dnssec(self.backend.get_hosted_zone(self._get_param("HostedZoneId")))
    if not any(k["Status"] == "ACTIVE" for k in dnssec["keys"].values()):
        raise _error("KeySigningKeyWithActiveStatusNotFound", "The zone has no ACTIVE key-signing key (KSK).")
    dnssec["ServeSignature"] = "SIGNING"
    return ActionResult({"ChangeInfo": _change()})


def disable_hosted_zone_dnssec(self: Route53) -> ActionResult:
    zone = self.backend.get_hosted_zone(self._get_param("HostedZoneId"))
    _dnssec(zone)["ServeSignature"] = "NOT_SIGNING"
    return ActionResult({"ChangeInfo": _change()})


def install() -> None:
    route53_urls.url_paths[r"{0}/(?P<api_version>[\d_-]+)/testdnsanswer$"] = Route53.dispatch
    Route53.test_dns_answer = test_dns_answer  # type: ignore[attr-defined]

    for path in (
        r"keysigningkey$",
        r"keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)$",
        r"keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)/activate$",
        r"keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)/deactivate$",
        r"hostedzone/(?P<zone_id>[^/]+)/enable-dnssec$",
        r"hostedzone/(?P<zone_id>[^/]+)/disable-dnssec$",
    ):
        route53_urls.url_paths[r"{0}/(?P<api_version>[\d_-]+)/" + path] = Route53.dispatch
    Route53.create_key_signing_key = create_key_signing_key  # type: ignore[attr-defined]
    Route53.activate_key_signing_key = activate_key_signing_key  # type: ignore[attr-defined]
    Route53.deactivate_key_signing_key = deactivate_key_signing_key  # type: ignore[attr-defined]
    Route53.delete_key_signing_key = delete_key_signing_key  # type: ignore[attr-defined]
    Route53.get_dnssec = get_dnssec  # type: ignore[method-assign]
    Route53.enable_hosted_zone_dnssec = enable_hosted_zone_dnssec  # type: ignore[attr-defined]
    Route53.disable_hosted_zone_dnssec = disable_hosted_zone_dnssec  # type: ignore[attr-defined]

    original_query_logging = Route53Backend.create_query_logging_config

    def create_query_logging_config(self: Route53Backend, hosted_zone_id: str, log_group_arn: str) -> Any:
        if not log_group_arn or log_group_arn.endswith(":*"):
            return original_query_logging(self, hosted_zone_id, log_group_arn)
        config = original_query_logging(self, hosted_zone_id, f"{log_group_arn}:*")
        config.cloud_watch_logs_log_group_arn = log_group_arn
        return config

    Route53Backend.create_query_logging_config = create_query_logging_config  # type: ignore[method-assign]

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

"""ACM: a DNS-validated certificate is issued once its validation records exist.

moto 5.2.5 keeps an Amazon-issued certificate PENDING_VALIDATION until
``MOTO_ACM_VALIDATION_WAIT`` seconds (default 60) after RequestCertificate, whatever DNS
holds, so the Terraform provider's ``aws_acm_certificate_validation`` polled for ~30 s
after the stack had already written the records. AWS issues a DNS-validated certificate
as soon as the CNAME it asked for (``DomainValidationOptions[].ResourceRecord``) resolves
for every domain of the certificate. Here: as soon as each of those CNAMEs, with that
value, is in a public Route 53 hosted zone of the emulator (same account) that the record
name falls under. The certificate is then ISSUED and every domain's ValidationStatus
SUCCESS, on the next describe. Without the records, moto's timer still issues it.
"""

from __future__ import annotations

from typing import Any

from moto.acm.models import CertBundle
from moto.route53.models import route53_backends


def _norm(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _value(record: Any) -> str:
    return _norm(record.get("Value", "") if isinstance(record, dict) else str(record))


def _published(account_id: str, partition: str, name: str, value: str) -> bool:
    """Whether a public hosted zone holding `name` has it as a CNAME to `value`."""
    backend = route53_backends[account_id][partition]
    for zone in list(backend.zones.values()):
        zone_name = _norm(zone.name)
        if zone.private_zone or not (name == zone_name or name.endswith("." + zone_name)):
            continue
        for rrset in list(zone.rrsets):
            if _norm(rrset.name) == name and rrset.type == "CNAME" and value in {_value(r) for r in rrset.records}:
                return True
    return False


def validated_by_dns(cert: CertBundle) -> bool:
    """Whether every domain's DNS validation record of a pending certificate is published."""
    options = cert.describe()["Certificate"].get("DomainValidationOptions") or []
    arn_parts = cert.arn.split(":")
    partition, account_id = arn_parts[1], arn_parts[4]
    return bool(options) and all(
        option.get("ValidationMethod") == "DNS"
        and _published(
            account_id,
            partition,
            _norm(option["ResourceRecord"]["Name"]),
            _norm(option["ResourceRecord"]["Value"]),
        )
        for option in options
    )


def install() -> None:
    original_check = CertBundle.check

    def check(self: CertBundle) -> None:
        original_check(self)
        if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION" and validated_by_dns(self):
            self.status = "ISSUED"

    CertBundle.check = check  # type: ignore[method-assign]

"""EC2 security group rules: the description of a rule to a security group or a prefix
list, which moto 5.2.5 drops from DescribeSecurityGroupRules.

moto reads a rule's ``Description`` from its IP range only, so a rule that references a
security group (``UserIdGroupPairs``) or a prefix list (``PrefixListIds``) came back
without it, and every Terraform plan wanted to set the description of
``aws_vpc_security_group_ingress_rule`` / ``aws_vpc_security_group_egress_rule`` again.
AWS answers the description given with the rule, whatever it references.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models.security_groups import SecurityGroupRule


def _description(self: SecurityGroupRule) -> str | None:
    return (
        self.ip_range.get("Description")
        or self.source_group.get("Description")
        or getattr(self, "dr_prefix_list_description", None)
    )


def install() -> None:
    original_init = SecurityGroupRule.__init__

    def __init__(self: SecurityGroupRule, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
        self.dr_prefix_list_description = (prefix_list or {}).get("Description")  # type: ignore[attr-defined]

    SecurityGroupRule.__init__ = __init__  # type: ignore[method-assign]
    SecurityGroupRule.description = property(_description)  # type: ignore[assignment,method-assign]

"""IAM: AWS managed policies, built once instead of at every reset.

AWS managed policies (``arn:aws:iam::aws:policy/...``) exist in every account; moto has
them only with ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``, which server.py sets (attaching
one, as our stacks do, was NoSuchEntity). moto then builds all ~1,580 of them from its
JSON each time it makes an account's IAM backends, one per partition (aws, aws-cn,
aws-us-gov, ...): on every reset and again on the first request after it (moto finds
the caller's account through IAM), ~0.2 s each, which made every emulator test a second
or more slower. So:

- they are built once per account; each new backend gets its own copies, as fresh as
  moto's (no attachments, its own policy versions);
- only the ``aws`` partition has them: the emulator serves its regions only (the other
  partitions' backends stay as moto makes them without the setting).
"""

from __future__ import annotations

import copy
import threading

from moto.iam.models import IAMBackend, ManagedPolicy
from moto.settings import load_iam_aws_managed_policies

EMULATED_PARTITION = "aws"  # IAM backends are per partition: region_name is the partition

_built: dict[tuple[str, str], list[ManagedPolicy]] = {}
_lock = threading.Lock()


def _fresh(policy: ManagedPolicy) -> ManagedPolicy:
    fresh = copy.copy(policy)
    fresh.attachment_count = 0
    fresh.tags = dict(policy.tags)
    fresh.versions = [copy.copy(version) for version in policy.versions]
    return fresh


def install() -> None:
    original = IAMBackend._init_aws_policies

    def _init_aws_policies(self: IAMBackend) -> list[ManagedPolicy]:
        if not load_iam_aws_managed_policies() or self.region_name != EMULATED_PARTITION:
            return []
        key = (self.account_id, self.region_name)
        with _lock:
            if key not in _built:
                _built[key] = original(self)
            built = _built[key]
        return [_fresh(policy) for policy in built]

    IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]

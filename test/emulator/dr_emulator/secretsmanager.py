"""Secrets Manager replicas keep their own KMS key, which moto 5.2.5 drops.

CreateSecret / ReplicateSecretToRegions take ``AddReplicaRegions`` entries of
``{"Region", "KmsKeyId"}``. moto reported every replica encrypted with
``alias/aws/secretsmanager``, so ``aws_secretsmanager_secret``'s ``replica.kms_key_id``
drifted on every plan. AWS reports the key given for the replica (as given) in the
primary's ``ReplicationStatus``, and the replica secret in its region (DescribeSecret)
is encrypted with it; without one, ``alias/aws/secretsmanager`` as before.
"""

from __future__ import annotations

from typing import Any

from moto.secretsmanager.models import FakeSecret, ReplicaSecret


def install() -> None:
    original_create_replicas = FakeSecret.create_replicas

    def create_replicas(
        self: FakeSecret, replica_regions: list[dict[str, str]], force_overwrite: bool
    ) -> list[ReplicaSecret]:
        replicas = original_create_replicas(self, replica_regions, force_overwrite)
        keys = {c["Region"]: c.get("KmsKeyId") for c in replica_regions or []}
        for replica in replicas:
            if keys.get(replica.region):
                replica.config["KmsKeyId"] = keys[replica.region]
        return replicas

    FakeSecret.create_replicas = create_replicas  # type: ignore[method-assign]

    original_to_dict = ReplicaSecret.to_dict

    def to_dict(self: ReplicaSecret) -> dict[str, Any]:
        described = original_to_dict(self)
        described["KmsKeyId"] = self.config["KmsKeyId"]
        return described

    ReplicaSecret.to_dict = to_dict  # type: ignore[method-assign]

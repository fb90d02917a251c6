"""EventBridge cross-region forwarding: a forwarded event keeps the region it was put in.

moto 5.2.5 forwards an event to another region's bus by putting it there anew, stamped
with the target region. The platform forwards DR events both ways with rules that match
only their own region's events (``"region": [<own region>]``), which on AWS stops an
event from bouncing back; in moto the re-stamped event matched again and recursed until
PutEvents answered 500. Here the rules of a forwarded event see its original region.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.events.models import Rule

_local = threading.local()


def install() -> None:
    original = Rule.send_to_targets

    def send_to_targets(self: Rule, event: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        origin = getattr(_local, "origin", None)
        if origin is not None:
            event = {**event, "region": origin}
        _local.origin = event.get("region")
        try:
            return original(self, event, *args, **kwargs)
        finally:
            _local.origin = origin

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]

"""SQS: no built-in Lambda trigger.

moto "delivers" a new message to every enabled SQS event source mapping of its queue on
SendMessage: it receives the visible messages, invokes the function (no Lambda code
runs without Docker) and, unless the invocation reports an error, deletes them. So
orders vanished from the queue unprocessed. The sandbox runs the trade processor's
handler in-process instead (src/core/drill/pump.ts) and honours each mapping's state
itself; this turns moto's trigger off. The mappings themselves (Create/Get/Update/List)
are untouched.

And RedrivePolicy reads back compact, as AWS answers it
(``{"deadLetterTargetArn":"…","maxReceiveCount":5}``); moto's spaces made Terraform plan a
whitespace-only change of ``aws_sqs_queue.redrive_policy`` after every apply.
"""

from __future__ import annotations

import json
from typing import Any

from moto.sqs.models import Queue


class _NoTrigger(dict):  # type: ignore[type-arg]
    """Holds a queue's mappings like moto's dict, but iterating `items()` yields none."""

    def items(self) -> Any:  # type: ignore[override]
        return iter(())


def install() -> None:
    original_init = Queue.__init__

    def __init__(self: Queue, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.lambda_event_source_mappings = _NoTrigger()

    Queue.__init__ = __init__  # type: ignore[method-assign]

    original_attributes = Queue.attributes

    def attributes(self: Queue) -> dict[str, Any]:
        result = original_attributes.fget(self)  # type: ignore[attr-defined]
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]

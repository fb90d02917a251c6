"""A retried request gets the answer its first attempt was given.

The AWS SDKs mark every attempt of one operation: ``amz-sdk-invocation-id`` (the same for all
attempts) and ``amz-sdk-request: attempt=N; max=M``. Now and then, on this loopback server, a
client loses the answer to a request the emulator did carry out (seen with the Terraform
provider during a sandbox deploy: "use of closed network connection" while reading the
body; not understood). The SDK then retries, and a create that succeeded the first time
fails the second: ``ParameterAlreadyExists``, ``InvalidPermission.Duplicate``, and the whole
deploy with it. On AWS the first answer would have arrived.

So a successful (2xx) answer to an attempt that may be retried (max > 1) is kept, and a
later attempt of the same invocation gets it again instead of being carried out twice. An
attempt whose earlier answer was an error is carried out again, as AWS would. The last
``KEEP`` answers are kept; nothing else changes.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

KEEP = 2000
MAX_BODY = 1 << 20

_ATTEMPT = re.compile(r"attempt=(\d+)(?:;\s*max=(\d+))?")
_answers: OrderedDict[str, tuple[str, list[tuple[str, str]], bytes]] = OrderedDict()
_lock = threading.Lock()

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _attempt(environ: dict[str, Any]) -> tuple[str | None, int, int]:
    invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
    match = _ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
    if not invocation or not match:
        return None, 1, 1
    return invocation, int(match.group(1)), int(match.group(2) or 1)


def serve(app: App, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    invocation, attempt, most = _attempt(environ)
    if invocation is None or most <= 1:
        return app(environ, start_response)
    if attempt > 1:
        with _lock:
            kept = _answers.get(invocation)
        if kept is not None:
            status, headers, body = kept
            # In the emulator's log: how often a client lost an answer.
            sys.stderr.write(f"dr-emulator: attempt {attempt} of {invocation} answered as the first was ({status})\n")
            start_response(status, headers)
            return [body]

    answered: dict[str, Any] = {}

    def keep_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answered["status"], answered["headers"] = status, list(headers)
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    result = app(environ, keep_start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status = answered.get("status", "")
    if status.startswith("2") and len(body) <= MAX_BODY:
        with _lock:
            _answers[invocation] = (status, answered["headers"], body)
            _answers.move_to_end(invocation)
            while len(_answers) > KEEP:
                _answers.popitem(last=False)
    return [body]


def forget() -> None:
    with _lock:
        _answers.clear()

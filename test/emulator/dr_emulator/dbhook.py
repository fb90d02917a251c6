"""Aurora's storage layer, played by whoever runs the sandbox's databases.

The emulator holds the global cluster's metadata (which member writes), but the data
lives in PostgreSQL servers it does not run: the live sandbox's runtime starts one per
region, the secondary a hot standby of the writer (src/sandbox/replication/). When the
writer moves, the servers must move with it, and in the same order Aurora does it:

- switchover: the runtime waits until the reader has everything, promotes it and makes
  the old writer its standby, then the emulator moves the writer (RPO 0);
- failover with AllowDataLoss: the runtime cuts replication where it stands and promotes
  the reader, then the emulator moves the writer (what had not been shipped is lost);
- re-sync of a returning old primary: ``resyncDelaySeconds`` after its region answers
  again (Aurora snapshots the old primary first, which takes minutes: until then it can
  still be read, through the Data API, for what the failover lost), the runtime rewinds it
  into a standby of the writer, then the member reports ``connected``.

The hook is a URL (``POST /dr-emulator/config {"databaseHook": URL | null}``) that gets a
JSON POST per event and answers 2xx when done (anything else, or no answer within
``TIMEOUT_SECONDS``: the event failed, and the writer does not move). Without a hook
the writer moves at once, as before (tests that share one database between regions).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from . import state

# A switchover waits for the reader to catch up and re-joins the old writer: seconds,
# but a loaded machine can make it slow.
TIMEOUT_SECONDS = 120.0


class DatabaseHookError(Exception):
    pass


def hook_url() -> str | None:
    with state.STATE.lock:
        return state.STATE.config.database_hook


def call(event: dict[str, Any]) -> dict[str, Any]:
    """POSTs ``event`` to the hook; its JSON answer ({} when it sent none)."""
    url = hook_url()
    if url is None:
        return {}
    request = urllib.request.Request(
        url,
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - a loopback URL the sandbox set
            text = response.read().decode() or "{}"
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:300]
        raise DatabaseHookError(f"the sandbox's databases refused {event.get('action')}: {error.code} {detail}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DatabaseHookError(f"the sandbox's databases did not answer {event.get('action')}: {error}") from error
    try:
        answer = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return answer if isinstance(answer, dict) else {}

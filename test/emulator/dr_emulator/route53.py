"""Route 53 health-check status: moto 5.2.5 always reports every health check healthy.

POST /dr-emulator/health-check {"id": ..., "status": "Failure"} (see gateway.py) forces
what GetHealthCheckStatus reports for that health check until it is set back to
"Success", cleared (status null) or moto is reset.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.route53.responses import Route53

from . import state

STATUS_TEXT = {
    "Success": "Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK",
    "Failure": "Failure: HTTP Status Code: 503. Resolved IP: 127.0.13.37. Service Unavailable",
}


def install() -> None:
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

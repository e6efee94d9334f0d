"""Reading a learner's result from the platform (LTI Advantage Assignment and Grade Services).

The tool asks the platform, with a client-credentials token obtained by a JWT assertion
signed with the registration's tool key (pylti1p3's ``ServiceConnector``), for the results of
the launch's line item filtered to the launching user.  The result service returns
``resultScore``/``resultMaximum`` (AGS 2.0 §3.3); it has no progress fields.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import requests
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.message_launch import MessageLaunch

from insignia.web.lti.claims import AGS_CLAIM, RESULT_SCOPE
from insignia.web.lti.models import CompletionRule, ResourceLink

log = logging.getLogger(__name__)

RESULTS_TYPE = "application/vnd.ims.lis.v2.resultcontainer+json"


class GradesUnavailable(Exception):
    """The platform offered no way to read results, or answered with an error."""


@dataclass(frozen=True)
class LearnerResult:
    """What the platform recorded for the learner (None: nothing recorded yet)."""

    score: Decimal | None
    maximum: Decimal

    @property
    def percent(self) -> Decimal | None:
        if self.score is None or self.maximum <= 0:
            return None
        return (self.score * 100 / self.maximum).quantize(Decimal("0.01"))


def completion_met(link: ResourceLink, result: LearnerResult) -> bool:
    """Whether ``result`` earns the badge under the link's completion rule."""
    if result.score is None:
        return False
    if link.rule == CompletionRule.GRADED:
        return True
    percent = result.percent
    return percent is not None and percent >= link.threshold_percent


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _results_url(lineitem: str, user_sub: str) -> str:
    base, _, query = lineitem.partition("?")
    path = base.rstrip("/") + "/results"
    params = urlencode({"user_id": user_sub})
    return f"{path}?{query}&{params}" if query else f"{path}?{params}"


def read_learner_result(
    message_launch: MessageLaunch[Any, Any, Any, Any], body: Mapping[str, Any], user_sub: str
) -> LearnerResult:
    """The learner's result for the launch's line item.

    :raises GradesUnavailable: when the launch carries no AGS claim with the result scope and
        a line item, or the platform's token or result endpoint fails.
    """
    endpoint = body.get(AGS_CLAIM)
    if not isinstance(endpoint, Mapping):
        raise GradesUnavailable("The platform shares no grades with this tool.")
    scopes = endpoint.get("scope") or []
    lineitem = endpoint.get("lineitem")
    if RESULT_SCOPE not in scopes or not isinstance(lineitem, str) or not lineitem:
        raise GradesUnavailable("The platform does not let this tool read results here.")
    try:
        response = message_launch.get_service_connector().make_service_request(
            list(scopes), _results_url(lineitem, user_sub), accept=RESULTS_TYPE
        )
    except (LtiException, LtiServiceException, requests.RequestException, ValueError) as exc:
        # Never shown to the person: the message may quote the platform's response.
        log.warning("LTI results for %s failed: %s", lineitem, exc)
        raise GradesUnavailable("The platform did not answer with the results.") from exc
    results = response["body"]
    if not isinstance(results, list):
        raise GradesUnavailable("The platform answered with something other than results.")
    for item in results:
        if isinstance(item, Mapping) and item.get("userId") == user_sub:
            maximum = _decimal(item.get("resultMaximum"))
            return LearnerResult(
                score=_decimal(item.get("resultScore")),
                maximum=maximum if maximum is not None and maximum > 0 else Decimal(1),
            )
    return LearnerResult(score=None, maximum=Decimal(1))

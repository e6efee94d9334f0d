"""Writes of the verification app: keeping what was handed over for a short while, and
verifying it with the engine (through :mod:`insignia.web.verification.engine`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from insignia.core.errors import InsigniaError
from insignia.core.fetch import Fetcher
from insignia.core.jsonio import parse_json
from insignia.web.verification import engine
from insignia.web.verification.describe import Summary, summarise
from insignia.web.verification.explain import input_problem
from insignia.web.verification.models import Submission

#: How long a submitted badge is kept for re-verification.
KEEP_FOR = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Given:
    """One badge as handed over: bytes (file or pasted text) or a web address as text."""

    source: str
    data: bytes
    filename: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """The verification of one submission: a summary, or why it could not be verified."""

    submission: Submission | None
    checked_at: datetime
    summary: Summary | None = None
    problem: str = ""
    problem_code: str = ""

    @property
    def valid(self) -> bool:
        return self.summary is not None and self.summary.valid


def _purge(now: datetime) -> None:
    Submission.objects.filter(created_at__lt=now - KEEP_FOR).delete()


def submission_create(*, given: Given, batch: uuid.UUID | None = None) -> Submission:
    """Keep a badge for re-verification (older submissions are purged on the way)."""
    now = timezone.now()
    _purge(now)
    return Submission.objects.create(
        source=given.source,
        data=given.data,
        filename=given.filename[:200],
        batch=batch,
        created_at=now,
    )


def submissions_create(*, given: Sequence[Given]) -> uuid.UUID:
    """Keep several badges (a résumé) under one batch id, in order."""
    batch = uuid.uuid4()
    now = timezone.now()
    _purge(now)
    Submission.objects.bulk_create(
        Submission(
            source=g.source,
            data=g.data,
            filename=g.filename[:200],
            batch=batch,
            created_at=now + timedelta(microseconds=i),
        )
        for i, g in enumerate(given)
    )
    return batch


def badge_verify(
    *,
    data: bytes,
    fetcher: Fetcher | None = None,
    recipient_email: str = "",
    submission: Submission | None = None,
    now: datetime | None = None,
) -> Result:
    """Verify one badge now; never raises for bad input (the result carries the problem)."""
    now = now or timezone.now()
    recipient = engine.Recipient(recipient_email.strip()) if recipient_email.strip() else None
    try:
        verified = engine.verify_input(
            data=data,
            now=now,
            fetcher=fetcher if fetcher is not None else engine.verifier_fetcher(),
            recipient=recipient,
        )
    except engine.Unverifiable as exc:
        return Result(
            submission,
            now,
            problem=input_problem(exc.code, exc.message),
            problem_code=exc.code,
        )
    if verified.report.credential is None and not verified.report.checks:
        return Result(submission, now, problem="This is not a badge.", problem_code="input.empty")
    return Result(submission, now, summary=summarise(verified.report, verified.fetched))


def submission_verify(
    *, submission: Submission, fetcher: Fetcher | None = None, recipient_email: str = ""
) -> Result:
    """Verify a kept submission again, now (optionally against an email address)."""
    return badge_verify(
        data=bytes(submission.data),
        fetcher=fetcher,
        recipient_email=recipient_email,
        submission=submission,
    )


def _own_profile_badges(url: str) -> list[Given] | None:
    """The public badges of a learner's profile on this site (None for other addresses)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.urls import Resolver404, resolve

    from insignia.web.common.errors import NotFound
    from insignia.web.sharing.selectors import profile_items, public_learner_profile

    parts = urlsplit(url)
    if parts.netloc.lower() != urlsplit(settings.INSIGNIA_BASE_URL).netloc.lower():
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "sharing:profile":
        return None
    try:
        profile = public_learner_profile(profile_id=match.kwargs["profile_id"])
    except NotFound:
        return []
    return [
        Given("text", item.credential.document.encode("utf-8"), item.credential.credential_id)
        for item in profile_items(profile=profile)
    ]


def _credentials_in(value: object) -> list[object] | None:
    """The credentials a fetched JSON document holds when it is a collection of them: a
    Verifiable Presentation (what wallets and other platforms export as a "profile"), an
    object with a ``verifiableCredential`` list, or a plain JSON array.  ``None`` for anything
    else (a single badge, which is verified as such)."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    types = value.get("type")
    types = types if isinstance(types, list) else [types]
    held = value.get("verifiableCredential")
    if "VerifiablePresentation" in types or isinstance(held, list):
        return held if isinstance(held, list) else ([] if held is None else [held])
    return None


def _presented_badges(url: str, fetcher: Fetcher) -> list[Given] | None:
    """The badges behind a profile address elsewhere that answers with a collection of
    credentials (see :func:`_credentials_in`); ``None`` when it does not (or cannot be
    fetched), so that the address is verified as one badge and its problem shown there."""
    try:
        document = fetcher.fetch(url, accept="application/ld+json, application/json")
        if not 200 <= document.status < 300:
            return None
        items = _credentials_in(parse_json(document.body))
    except InsigniaError:
        return None
    if items is None:
        return None
    found = []
    for item in items:
        if isinstance(item, str):  # a VC-JWT (or an enveloped credential's compact form)
            found.append(Given("text", item.encode("utf-8"), url))
        else:
            found.append(Given("text", json.dumps(item).encode("utf-8"), url))
    return found


def resume_expand(
    *,
    files: Sequence[Given],
    addresses: Sequence[str],
    limit: int,
    fetcher: Fetcher | None = None,
) -> list[Given]:
    """The badges of a résumé (at most ``limit`` in all): files; every public badge of a
    learner's profile address on this site; every credential of an address elsewhere that
    answers with a presentation or list of credentials; and other addresses as one badge each.
    Addresses elsewhere are fetched through the verifier's fetcher (no private addresses)."""
    found = list(files)
    outside = fetcher if fetcher is not None else engine.verifier_fetcher()
    for address in addresses:
        if len(found) >= limit:
            break
        badges = _own_profile_badges(address)
        if badges is None:
            badges = _presented_badges(address, outside)
        found.extend(badges if badges is not None else [Given("url", address.encode("utf-8"))])
    return found[:limit]

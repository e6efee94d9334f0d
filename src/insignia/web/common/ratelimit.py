"""Rate limits for public, costly endpoints: a sliding-window counter per client in the cache.

A *scope* (``"verify"``, ``"api"``, ``"search"``…) has a rate in
``settings.INSIGNIA_RATE_LIMITS`` (``"30/m"``: 30 requests a minute; ``s``, ``m``, ``h``, ``d``,
or ``"100/5m"``).  Every request is counted against the client's address and, when it carries
``Authorization: Bearer <token>``, also against that token (hashed; never stored), so an API
client cannot get round its token's budget by moving address, nor round the address's budget
by inventing tokens.  Behind a reverse proxy (``INSIGNIA_BEHIND_PROXY``) the address is the
last one the proxy appended to ``X-Forwarded-For``; otherwise ``X-Forwarded-For`` is ignored
(anyone can send it).  IPv6 clients are counted per /64, the block one subscriber gets.

The count is the sliding-window estimate (this window's hits plus the previous window's,
weighted by how much of it still overlaps), kept in Django's cache
(``INSIGNIA_RATE_LIMIT_CACHE``).  With several server processes that cache must be shared
(memcached, Redis, or the database cache); a per-process memory cache limits each process
separately.  Refused requests are not counted, so a client that waits as told gets through.

Use :func:`rate_limit` on Django views (an HTML page answers 429) and :func:`api_rate_limit`
on django-ninja operations (``@decorate_view(api_rate_limit("api"))``, or
``router.add_decorator(api_rate_limit("api"), mode="view")`` for a whole router; JSON 429).
Both send ``Retry-After``.  ``INSIGNIA_DISABLE_RATE_LIMITS`` turns every limit off.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

#: The clock (seconds); tests replace it.
clock: Callable[[], float] = time.time

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

View = TypeVar("View", bound=Callable[..., HttpResponse])


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` requests per ``seconds``."""

    count: int
    seconds: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """Over the limit: try again after ``retry_after`` seconds."""

    scope: str
    retry_after: int


def parse_rate(text: str) -> Rate:
    """Read ``"30/m"``, ``"100/5m"``, ``"1000/d"``.

    :raises ValueError: on anything else.
    """
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"Not a rate: {text!r} (write e.g. 30/m or 100/5m).")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNITS[unit])


def rate_for(scope: str) -> Rate | None:
    """The configured rate of ``scope``; None when limits are off or the scope has none."""
    if getattr(settings, "INSIGNIA_DISABLE_RATE_LIMITS", False):
        return None
    text = getattr(settings, "INSIGNIA_RATE_LIMITS", {}).get(scope)
    return parse_rate(text) if text else None


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind our proxy the address it appended.

    Also django-axes' ``AXES_CLIENT_IP_CALLABLE``, so lockouts and limits agree.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "INSIGNIA_BEHIND_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            address = forwarded[-1]
    return address


def _ip_bucket(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def bearer_token_key(request: HttpRequest) -> str | None:
    """A digest of the request's bearer token (the token itself is never kept), or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return hashlib.sha256(token.strip().encode()).hexdigest()[:32]


def _cache() -> BaseCache:
    return caches[getattr(settings, "INSIGNIA_RATE_LIMIT_CACHE", "default")]


def _key(scope: str, ident: str, rate: Rate, now: float) -> str:
    return f"rl:{scope}:{ident}:{int(now // rate.seconds)}"


def _hit(scope: str, ident: str, rate: Rate, now: float) -> int | None:
    """Count one request; return seconds to wait when it is over the limit (then uncounted)."""
    cache = _cache()
    window = int(now // rate.seconds)
    elapsed = now - window * rate.seconds
    current = f"rl:{scope}:{ident}:{window}"
    cache.add(current, 0, timeout=2 * rate.seconds + 1)
    try:
        count = cache.incr(current)
    except ValueError:  # expired between add and incr
        cache.set(current, 1, timeout=2 * rate.seconds + 1)
        count = 1
    previous = int(cache.get(f"rl:{scope}:{ident}:{window - 1}", 0))
    overlap = 1 - elapsed / rate.seconds
    if previous * overlap + count <= rate.count:
        return None
    cache.decr(current)
    count -= 1
    # When does the estimate leave room for one more?  Within this window once the previous
    # window's share has decayed enough; else some way into the next one, where this window's
    # count becomes the decaying share.
    left = rate.seconds - elapsed
    if count + 1 <= rate.count:
        wait = min(left, rate.seconds * (1 - (rate.count - count - 1) / previous) - elapsed)
    else:
        wait = left + (rate.seconds * (1 - (rate.count - 1) / count) if count else 0)
    return max(1, math.ceil(wait - 1e-6))


def check(request: HttpRequest, scope: str) -> Refusal | None:
    """Count ``request`` against ``scope``'s rate, per address and per bearer token."""
    rate = rate_for(scope)
    if rate is None:
        return None
    now = clock()
    idents = [f"ip:{_ip_bucket(client_ip(request))}"]
    token = bearer_token_key(request)
    if token is not None:
        idents.append(f"token:{token}")
    results = [(ident, _hit(scope, ident, rate, now)) for ident in idents]
    waits = [wait for _, wait in results if wait is not None]
    if not waits:
        return None
    for ident, wait in results:  # refused: what the other budget counted is given back
        if wait is None:
            _cache().decr(_key(scope, ident, rate, now))
    return Refusal(scope, max(waits))


MESSAGE = "Too many requests. Please wait {seconds} and try again."


def _seconds(n: int) -> str:
    return "1 second" if n == 1 else f"{n} seconds"


def too_many_html(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The 429 page (the same template answers allauth's own limits)."""
    body = render_to_string(
        "429.html",
        {"retry_after": refusal.retry_after, "wait": _seconds(refusal.retry_after)},
        request=request,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def too_many_json(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The 429 answer of the JSON API."""
    response = JsonResponse(
        {
            "code": "rate_limited",
            "message": MESSAGE.format(seconds=_seconds(refusal.retry_after)),
            "retry_after": refusal.retry_after,
        },
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _limiter(
    scope: str,
    methods: Collection[str] | None,
    respond: Callable[[HttpRequest, Refusal], HttpResponse],
) -> Callable[[View], View]:
    wanted = {m.upper() for m in methods} if methods else None

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if wanted is None or request.method in wanted:
                refusal = check(request, scope)
                if refusal is not None:
                    return respond(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def rate_limit(scope: str, *, methods: Collection[str] | None = None) -> Callable[[View], View]:
    """Limit a Django view (all methods, or only ``methods``); over the limit: the 429 page."""
    return _limiter(scope, methods, too_many_html)


def api_rate_limit(scope: str, *, methods: Collection[str] | None = None) -> Callable[[View], View]:
    """Limit a django-ninja operation or router (``decorate_view`` / ``add_decorator(…,
    mode="view")``) or a JSON view; over the limit: a JSON 429."""
    return _limiter(scope, methods, too_many_json)


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The address a sign-in attempt names (django-axes' ``AXES_USERNAME_CALLABLE``).

    allauth authenticates with ``email=…``; its form field is ``login``; Django's own
    ``authenticate`` calls may use ``username``.  Normalised as every lookup is, so
    ``Jamie@Example.com`` and ``jamie@example.com`` share one count.
    """
    values = credentials or {}
    name = values.get("email") or values.get("username") or values.get("login")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("email") or ""
    return str(name or "").strip().lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page shown when sign-in is locked (django-axes' ``AXES_LOCKOUT_CALLABLE``): 429,
    how long it lasts, and the way out that does not need the password (a reset link)."""
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    seconds = int(cool_off.total_seconds()) if isinstance(cool_off, timedelta) else 0
    minutes = max(1, math.ceil(seconds / 60)) if seconds else 0
    body = render_to_string(
        "lockout.html",
        {"minutes": minutes, "failure_limit": getattr(settings, "AXES_FAILURE_LIMIT", 0)},
        request=request,
    )
    response = HttpResponse(body, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response

"""Offset paging for list endpoints: ``?limit=&offset=`` in, ``count``/``next`` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

from insignia.web.api.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


def check(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}.", code="request.invalid_paging")
    if offset < 0:
        raise BadRequest("offset must not be negative.", code="request.invalid_paging")


def next_url(request: HttpRequest, *, count: int, limit: int, offset: int) -> str | None:
    """The absolute URL of the next page (None on the last one)."""
    if offset + limit >= count:
        return None
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset + limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[T], *, limit: int, offset: int
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``rows`` and the paging fields of the answer."""
    check(limit, offset)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    items = list(rows[offset : offset + limit])
    meta = {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": next_url(request, count=count, limit=limit, offset=offset),
    }
    return items, meta

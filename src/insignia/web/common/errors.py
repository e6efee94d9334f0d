"""Errors raised by services and access functions, and how views turn them into responses."""

from __future__ import annotations

from django.http import Http404


class NotFound(Http404):
    """The object does not exist *or* the caller may not see it: one answer for both.

    Raised by every ``access_*`` function, so that a URL never reveals whether something
    exists to someone who may not see it.
    """

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class ApplicationError(Exception):
    """A business rule refused the request; ``message`` is shown to the person as is.

    :param field: the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

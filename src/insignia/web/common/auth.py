"""The signed-in user, typed."""

from __future__ import annotations

from django.http import HttpRequest

from insignia.web.accounts.models import User
from insignia.web.common.errors import NotFound


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view.

    :raises NotFound: for anonymous requests (never reached behind ``login_required``).
    """
    user = request.user
    if not isinstance(user, User):
        raise NotFound()
    return user

"""What OB 3.0 dynamic client registration records beside django-oauth-toolkit's Application.

The Application row holds what the OAuth server needs (client id, hashed secret, redirect
URIs, grant type); this row keeps the RFC 7591 metadata the consent page shows and the scopes
the client may ever be granted.
"""

from __future__ import annotations

from django.db import models
from oauth2_provider.models import Application


class RegisteredClient(models.Model):
    """A client (a wallet, a learning record) registered at the OB 3.0 registration URL."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="ob_registration"
    )
    client_uri = models.URLField(max_length=2000)
    logo_uri = models.URLField(max_length=2000)
    tos_uri = models.URLField(max_length=2000)
    policy_uri = models.URLField(max_length=2000)
    software_id = models.CharField(max_length=200)
    software_version = models.CharField(max_length=100)
    #: Space-separated OB 3.0 scopes the client registered for (the most it can be granted).
    scope = models.TextField()
    contacts = models.JSONField(default=list, blank=True)
    registered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application.name} ({self.software_id})"

"""API tokens: one organisation, a set of scopes, a creator the token acts as.

Only a SHA-256 of the secret is stored; the secret is shown once, when the token is created.
``prefix`` (the first characters of the secret, not secret on their own) names the token in
lists and in the audit trail.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.issuers.models import Organisation


class ApiToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    #: ``ins_`` and the first characters of the secret: identifies the token, proves nothing.
    prefix = models.CharField(max_length=16, unique=True)
    #: SHA-256 (hex) of the whole secret.
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

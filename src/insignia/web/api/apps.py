"""Issuer REST API (django-ninja): per-organisation API tokens with scopes; the VC-API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "insignia.web.api"
    label = "api"
    verbose_name = "Issuer API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from insignia.web.api.audit import tag_new_event
        from insignia.web.issuers.models import AuditEvent

        pre_save.connect(tag_new_event, sender=AuditEvent, dispatch_uid="api-token-audit")

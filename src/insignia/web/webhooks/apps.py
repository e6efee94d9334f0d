"""Issuers' webhook subscriptions: signed (HMAC) event deliveries with retries and a log."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "insignia.web.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from insignia.web.webhooks import receivers

        receivers.connect()

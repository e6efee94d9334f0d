from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "insignia.web.verification"
    label = "verification"
    verbose_name = "Verification for anyone"
    default_auto_field = "django.db.models.BigAutoField"

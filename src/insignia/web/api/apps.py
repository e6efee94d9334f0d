from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "insignia.web.api"
    label = "api"
    verbose_name = "Issuer API"
    default_auto_field = "django.db.models.BigAutoField"

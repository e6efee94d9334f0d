from django.apps import AppConfig


class IssuersConfig(AppConfig):
    name = "insignia.web.issuers"
    label = "issuers"
    verbose_name = "Issuers"

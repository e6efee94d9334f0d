from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "insignia.web.sharing"
    label = "sharing"
    verbose_name = "Sharing"

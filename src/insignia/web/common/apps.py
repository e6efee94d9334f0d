from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "insignia.web.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from insignia.web.common import checks  # noqa: F401  (registers system checks)

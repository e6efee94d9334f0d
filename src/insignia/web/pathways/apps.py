"""Stackable credentials: pathways of requirements that lead to a goal badge."""

from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "insignia.web.pathways"
    label = "pathways"
    verbose_name = "Pathways"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from insignia.web.pathways import receivers

        receivers.connect()

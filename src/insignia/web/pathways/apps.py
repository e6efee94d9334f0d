from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "insignia.web.pathways"
    label = "pathways"
    verbose_name = "Pathways"
    default_auto_field = "django.db.models.BigAutoField"

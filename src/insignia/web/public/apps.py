from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "insignia.web.public"
    label = "public"
    verbose_name = "Public pages"

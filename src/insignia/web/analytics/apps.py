from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "insignia.web.analytics"
    label = "analytics"
    verbose_name = "Analytics"

from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "insignia.web.awards"
    label = "awards"
    verbose_name = "Awards"

from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "insignia.web.achievements"
    label = "achievements"
    verbose_name = "Achievements"

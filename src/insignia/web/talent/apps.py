from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "insignia.web.talent"
    label = "talent"
    verbose_name = "Talent search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from insignia.web.talent import receivers

        receivers.connect()

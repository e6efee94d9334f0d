from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "insignia.web.earning"
    label = "earning"
    verbose_name = "Earning: applications, evidence and assessment"

    def ready(self) -> None:
        from insignia.web.achievements.services import register_version_carry_over
        from insignia.web.earning import checks  # noqa: F401  (registers the system check)
        from insignia.web.earning.services import assessment_carry_over

        register_version_carry_over(assessment_carry_over)

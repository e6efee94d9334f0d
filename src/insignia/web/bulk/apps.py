from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "insignia.web.bulk"
    label = "bulk"
    verbose_name = "Bulk issuance"

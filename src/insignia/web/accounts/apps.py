from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "insignia.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

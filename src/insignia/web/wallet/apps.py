from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "insignia.web.wallet"
    label = "wallet"
    verbose_name = "Wallet"

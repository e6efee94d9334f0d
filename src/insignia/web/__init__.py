"""The Insignia platform: a Django 5.2 site on top of the credential engine ``insignia.core``."""

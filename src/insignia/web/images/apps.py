from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "insignia.web.images"
    label = "images"
    verbose_name = "Images"

from django.urls import URLPattern, URLResolver, path

from insignia.web.privacy import views

app_name = "privacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/privacy/", views.overview, name="overview"),
    path("account/privacy/export/", views.export, name="export"),
    path("account/privacy/delete/", views.delete, name="delete"),
]

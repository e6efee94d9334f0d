from django.urls import URLPattern, URLResolver

app_name = "issuer_api"

urlpatterns: list[URLPattern | URLResolver] = []

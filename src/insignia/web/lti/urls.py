from django.urls import URLPattern, URLResolver

app_name = "lti"

urlpatterns: list[URLPattern | URLResolver] = []

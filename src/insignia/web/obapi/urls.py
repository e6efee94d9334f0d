from django.urls import URLPattern, URLResolver

app_name = "obapi"

urlpatterns: list[URLPattern | URLResolver] = []

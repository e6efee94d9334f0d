from django.urls import path

from insignia.web.images import views

app_name = "images"

urlpatterns = [
    path("<uuid:image_id>.<str:extension>", views.image_view, name="image"),
]

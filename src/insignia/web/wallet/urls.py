from django.urls import path

from insignia.web.wallet import views

app_name = "wallet"

urlpatterns = [
    path("", views.wallet_list, name="list"),
    path("<uuid:credential_id>/", views.detail, name="detail"),
    path("<uuid:credential_id>/visibility/", views.visibility, name="visibility"),
    path("<uuid:credential_id>/accept/", views.accept, name="accept"),
    path("<uuid:credential_id>/credential.json", views.download_json, name="download_json"),
    path("<uuid:credential_id>/badge.<str:extension>", views.download_image, name="download_image"),
]

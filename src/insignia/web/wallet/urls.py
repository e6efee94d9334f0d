from django.urls import path

from insignia.web.wallet import views

app_name = "wallet"

urlpatterns = [
    path("", views.wallet_list, name="list"),
    path("import/", views.import_badge, name="import"),
    path("imported/<uuid:imported_id>/", views.imported, name="imported"),
    path("imported/<uuid:imported_id>/verify/", views.imported_verify, name="imported_verify"),
    path("imported/<uuid:imported_id>/delete/", views.imported_delete, name="imported_delete"),
    path("imported/<uuid:imported_id>/image", views.imported_image, name="imported_image"),
    path("<uuid:credential_id>/", views.detail, name="detail"),
    path("<uuid:credential_id>/visibility/", views.visibility, name="visibility"),
    path("<uuid:credential_id>/accept/", views.accept, name="accept"),
    path("<uuid:credential_id>/credential.json", views.download_json, name="download_json"),
    path("<uuid:credential_id>/badge.<str:extension>", views.download_image, name="download_image"),
]

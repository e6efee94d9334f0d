from django.urls import path

from insignia.web.sharing import views

app_name = "sharing"

urlpatterns = [
    path("s/<uuid:credential_id>/<slug:channel>", views.share, name="share"),
    path("go/<uuid:credential_id>/<slug:channel>", views.learn_more, name="learn_more"),
    path("credentials/<uuid:credential_id>/card.png", views.preview_card, name="card"),
    path("credentials/<uuid:credential_id>/embed/", views.embed, name="embed"),
    path(
        "credentials/<uuid:credential_id>/badge.<str:extension>",
        views.badge_download,
        name="badge",
    ),
    path(
        "credentials/<uuid:credential_id>/certificate.pdf",
        views.certificate_download,
        name="certificate",
    ),
    path("wallet/<uuid:credential_id>/share/", views.toolkit, name="toolkit"),
    path(
        "wallet/<uuid:credential_id>/share/preview/<slug:kind>/",
        views.snippet_preview,
        name="snippet_preview",
    ),
    path(
        "wallet/<uuid:credential_id>/certificate.pdf",
        views.wallet_certificate,
        name="wallet_certificate",
    ),
    path("wallet-exchange/<str:token>/", views.exchange, name="exchange"),
    path("wallet/profile/", views.profile_settings, name="profile_settings"),
    path("people/<uuid:profile_id>/", views.profile, name="profile"),
    path("manage/badges/<uuid:achievement_id>/marketing/", views.marketing, name="marketing"),
]

from django.urls import path

from insignia.web.webhooks import views

app_name = "webhooks"

_SUB = "orgs/<uuid:organisation_id>/webhooks/<uuid:subscription_id>/"

urlpatterns = [
    path("orgs/<uuid:organisation_id>/webhooks/", views.subscription_list, name="list"),
    path("orgs/<uuid:organisation_id>/webhooks/new/", views.subscription_new, name="create"),
    path(_SUB, views.subscription_detail, name="detail"),
    path(_SUB + "rotate/", views.subscription_rotate, name="rotate"),
    path(_SUB + "test/", views.subscription_test, name="test"),
    path(_SUB + "delete/", views.subscription_remove, name="delete"),
    path(_SUB + "deliveries/<uuid:delivery_id>/", views.delivery_detail, name="delivery"),
    path(
        _SUB + "deliveries/<uuid:delivery_id>/redeliver/",
        views.delivery_redeliver,
        name="redeliver",
    ),
]

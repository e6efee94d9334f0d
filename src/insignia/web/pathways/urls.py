from django.urls import URLPattern, URLResolver, path

from insignia.web.pathways import views

app_name = "pathways"

urlpatterns: list[URLPattern | URLResolver] = [
    path("orgs/<uuid:organisation_id>/pathways/", views.pathway_list, name="list"),
    path("orgs/<uuid:organisation_id>/pathways/new/", views.pathway_create, name="create"),
    path("manage/pathways/<uuid:pathway_id>/", views.builder, name="builder"),
    path(
        "manage/pathways/<uuid:pathway_id>/requirements/",
        views.requirement_add,
        name="requirement_add",
    ),
    path(
        "manage/pathways/<uuid:pathway_id>/requirements/<uuid:requirement_id>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path("manage/pathways/<uuid:pathway_id>/rule/", views.threshold, name="threshold"),
    path("manage/pathways/<uuid:pathway_id>/activate/", views.activate, name="activate"),
    path("manage/pathways/<uuid:pathway_id>/deactivate/", views.deactivate, name="deactivate"),
    path("manage/pathways/<uuid:pathway_id>/reviews/", views.reviews, name="reviews"),
    path(
        "manage/pathways/<uuid:pathway_id>/reviews/<uuid:completion_id>/",
        views.decide,
        name="decide",
    ),
    path("manage/pathways/<uuid:pathway_id>/analytics/", views.analytics, name="analytics"),
    path("wallet/pathways/", views.progress, name="progress"),
    path("pathways/<uuid:pathway_id>/", views.public, name="public"),
]

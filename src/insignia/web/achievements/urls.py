from django.urls import path

from insignia.web.achievements import views

app_name = "achievements"

urlpatterns = [
    path("orgs/<uuid:organisation_id>/badges/new/", views.create, name="create"),
    path("manage/badges/<uuid:achievement_id>/", views.detail, name="detail"),
    path("manage/badges/<uuid:achievement_id>/edit/", views.edit, name="edit"),
    path("manage/badges/<uuid:achievement_id>/publish/", views.publish, name="publish"),
    path("manage/badges/<uuid:achievement_id>/archive/", views.archive, name="archive"),
    path("manage/badges/<uuid:achievement_id>/discard/", views.discard, name="discard"),
]

from django.urls import path

from insignia.web.analytics import views

app_name = "analytics"

urlpatterns = [
    path(
        "orgs/<uuid:organisation_id>/analytics/",
        views.organisation_analytics,
        name="organisation",
    ),
    path(
        "orgs/<uuid:organisation_id>/analytics.csv",
        views.organisation_analytics_csv,
        name="organisation_csv",
    ),
    path(
        "manage/badges/<uuid:achievement_id>/analytics/",
        views.achievement_analytics,
        name="achievement",
    ),
    path(
        "manage/badges/<uuid:achievement_id>/analytics.csv",
        views.achievement_analytics_csv,
        name="achievement_csv",
    ),
]

"""URLs of the public directory, providers' self-service and moderation."""

from django.urls import path

from .views import moderation, providers, search

app_name = "directory"

urlpatterns = [
    # Public: anyone, no login.
    path("", search.search, name="search"),
    path("offerings/<uuid:uuid>/", search.offering_detail, name="offering"),
    path("offerings/<uuid:uuid>/print/", search.offering_print, name="offering-print"),
    path("offerings/<uuid:uuid>/report/", search.report_problem, name="report-problem"),
    path("register/", providers.register, name="register"),
    # Providers: their own organisation and listings.
    path("provider/", providers.my_listings, name="my-listings"),
    path("provider/organisations/<int:pk>/", providers.organization_edit, name="organization-edit"),
    path(
        "provider/organisations/<int:pk>/offerings/new/",
        providers.offering_create,
        name="offering-create",
    ),
    path("provider/offerings/<uuid:uuid>/edit/", providers.offering_edit, name="offering-edit"),
    path(
        "provider/offerings/<uuid:uuid>/confirm/",
        providers.offering_confirm,
        name="offering-confirm",
    ),
    path("provider/claim/", providers.claim, name="claim"),
    # Municipal staff: moderation of new and changed listings, claims, problem reports.
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/changes/<int:pk>/", moderation.change_decide, name="change-decide"),
    path("moderation/claims/<int:pk>/", moderation.claim_decide, name="claim-decide"),
    path(
        "moderation/organisations/<int:pk>/",
        moderation.organization_decide,
        name="organization-decide",
    ),
    path("moderation/problems/", moderation.problems, name="problems"),
    path("moderation/problems/<int:pk>/", moderation.problem_resolve, name="problem-resolve"),
    path("moderation/stale/", moderation.stale, name="stale"),
]

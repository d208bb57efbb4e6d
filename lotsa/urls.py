"""URLs: language-prefixed pages (/sv/, /da/, /en/), plus a few that need no language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from lotsa.interop.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # HSDS under /api/hsds/, FHIR under /fhir/, /api/key/, /api/openapi.json and /api/docs.
    path("", api.urls),
    path("", RedirectView.as_view(pattern_name="directory:search", permanent=False)),
]

urlpatterns += i18n_patterns(
    path("", include("lotsa.directory.urls")),
    path("staff/", include("lotsa.accounts.urls")),
    path("", include("lotsa.referrals.urls")),
    path("privacy/", include("lotsa.privacy.urls")),
    path("", include("lotsa.matching.urls")),
    path("reports/", include("lotsa.reports.urls")),
    path("", include("lotsa.outcomes.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# Plain, translated error pages with a reference id that is also logged (lotsa.accounts.errors).
handler400 = "lotsa.accounts.errors.bad_request"
handler403 = "lotsa.accounts.errors.permission_denied"
handler404 = "lotsa.accounts.errors.page_not_found"
handler500 = "lotsa.accounts.errors.server_error"
handler429 = "lotsa.accounts.ratelimits.handler429"  # allauth's rate limits (not Django's)

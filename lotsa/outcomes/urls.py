"""URLs of outcome measurement: a case's follow-ups and assessments, the person's own form."""

from django.urls import path

from .views import cases, follow_ups, imports, respond

app_name = "outcomes"

urlpatterns = [
    # The link worker: a case's outcomes, one follow-up, the person's link, health-care use.
    path("cases/<uuid:key>/outcomes/", cases.case_outcomes, name="case"),
    path("cases/<uuid:key>/outcomes/<int:months>/", cases.follow_up, name="follow-up"),
    path("cases/<uuid:key>/outcomes/<int:months>/send/", cases.send_link, name="send-link"),
    path("cases/<uuid:key>/healthcare-use/", cases.healthcare_use, name="healthcare-use"),
    # The team's follow-ups as tasks; importing health-care use for the team's cases.
    path("follow-ups/", follow_ups.follow_ups, name="follow-ups"),
    path("healthcare-use/import/", imports.import_healthcare_use, name="import"),
    path("healthcare-use/import/template.csv", imports.import_template, name="import-template"),
    # The person: their own follow-up link, without an account (the token is the credential).
    path("questions/<str:token>/", respond.respond, name="respond"),
]

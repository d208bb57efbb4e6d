"""URLs of the privacy work: the log review, a person's rights, break-glass access."""

from django.urls import path

from .views import people, review, rights

app_name = "privacy"

urlpatterns: list = [
    # Finding a person and the page of their rights; break-glass access.
    path("people/", people.find_person, name="find-person"),
    path("people/<uuid:key>/", people.person, name="person"),
    path("people/<uuid:key>/break-glass/", people.break_glass, name="break-glass"),
    path("people/<uuid:key>/record/", people.break_glass_record, name="break-glass-record"),
    # The log review and the person's log extract.
    path("review/", review.start, name="review"),
    path("review/people/<uuid:key>/", review.person_events, name="review-person"),
    path("review/users/<int:pk>/", review.user_events, name="review-user"),
    path("review/sample/", review.sample, name="review-sample"),
    path("review/alerts/", review.alerts, name="review-alerts"),
    path("people/<uuid:key>/log-extract/", review.log_extract, name="log-extract"),
    path("people/<uuid:key>/log-extract.pdf", review.log_extract_pdf, name="log-extract-pdf"),
    # A person's data export and erasure.
    path("people/<uuid:key>/export/", rights.export, name="export"),
    path("people/<uuid:key>/export.json", rights.export_json, name="export-json"),
    path("people/<uuid:key>/erase/", rights.erase, name="erase"),
]

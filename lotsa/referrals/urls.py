"""URLs of the referral loop: referring, the link worker's inbox and cases, providers' answers."""

from django.urls import path

from .views import answers, cases, intake, prescriptions

app_name = "referrals"

urlpatterns = [
    # Referring: clinicians, volunteer connectors and the person themself.
    path("referrals/new/", intake.new_referral, name="new"),
    path("referrals/sent/", intake.sent_referrals, name="sent"),
    path("referrals/sent/<uuid:key>/", intake.sent_referral, name="sent-detail"),
    path("flags/", intake.my_flags, name="flags"),
    path("flags/new/", intake.new_flag, name="flag"),
    path("refer-yourself/", intake.self_referral, name="self-referral"),
    path("refer-yourself/thanks/", intake.self_referral_done, name="self-referral-done"),
    # The link worker: inbox, caseload, the case.
    path("inbox/", cases.inbox, name="inbox"),
    path("inbox/<uuid:key>/", cases.triage, name="triage"),
    path("caseload/", cases.caseload, name="caseload"),
    path("cases/<uuid:key>/", cases.case_detail, name="case"),
    path("cases/<uuid:key>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<uuid:key>/person/", cases.person_edit, name="person-edit"),
    path("cases/<uuid:key>/contacts/", cases.add_contact, name="add-contact"),
    path("cases/<uuid:key>/stage/", cases.change_stage, name="change-stage"),
    path("cases/<uuid:key>/close/", cases.close_case, name="close-case"),
    path(
        "cases/<uuid:key>/consents/<int:consent_id>/withdraw/",
        cases.withdraw_consent,
        name="withdraw-consent",
    ),
    path("cases/<uuid:key>/find/", cases.find_offering, name="find-offering"),
    path("cases/<uuid:key>/refer/<uuid:offering>/", cases.refer, name="refer"),
    path("cases/<uuid:key>/unmet-need/", cases.unmet_need, name="unmet-need"),
    path("activity-referrals/<uuid:key>/", cases.activity_referral, name="activity-referral"),
    path(
        "activity-referrals/<uuid:key>/prescription.pdf",
        prescriptions.prescription_pdf,
        name="prescription-pdf",
    ),
    path(
        "activity-referrals/<uuid:key>/sessions.ics",
        prescriptions.prescription_ics,
        name="prescription-ics",
    ),
    # Providers: their inbox, and the signed link for those without an account.
    path("referred-to-us/", answers.provider_inbox, name="provider-inbox"),
    path("referred-to-us/<uuid:key>/", answers.provider_referral, name="provider-referral"),
    path("answer/<str:token>/", answers.answer_by_link, name="answer-by-link"),
]

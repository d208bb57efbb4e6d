"""URLs of the reports: gaps and capacity pressure; flow, outcomes and return on investment;
the research export."""

from django.urls import path

from .views import capacity, gaps
from .views import flow as flow_views
from .views import outcomes as outcome_views
from .views import research as research_views
from .views import roi as roi_views

app_name = "reports"

urlpatterns = [
    path("gaps/", gaps.gaps_view, name="gaps"),
    path("gaps/examples/", gaps.gap_examples, name="gap-examples"),
    path("gaps.csv", gaps.gaps_csv, name="gaps-csv"),
    path("capacity/", capacity.capacity_view, name="capacity"),
    path("capacity.csv", capacity.capacity_csv, name="capacity-csv"),
    # Managers: flow, outcomes and return on investment of their organisation's referrals.
    path("flow/", flow_views.flow_view, name="flow"),
    path("flow.csv", flow_views.flow_csv, name="flow-csv"),
    path("flow.xlsx", flow_views.flow_xlsx, name="flow-xlsx"),
    path("outcomes/", outcome_views.outcomes_view, name="outcomes"),
    path("outcomes.csv", outcome_views.outcomes_csv, name="outcomes-csv"),
    path("outcomes.xlsx", outcome_views.outcomes_xlsx, name="outcomes-xlsx"),
    path("roi/", roi_views.roi_view, name="roi"),
    path("roi.csv", roi_views.roi_csv, name="roi-csv"),
    path("roi.xlsx", roi_views.roi_xlsx, name="roi-xlsx"),
    # The researcher's pseudonymised, k-anonymous export (GET the page, POST the file).
    path("research/", research_views.research_export, name="research"),
]

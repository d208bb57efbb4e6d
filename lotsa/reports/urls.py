"""URLs of the municipality's reports: gaps and capacity pressure."""

from django.urls import path

from .views import capacity, gaps

app_name = "reports"

urlpatterns = [
    path("gaps/", gaps.gaps_view, name="gaps"),
    path("gaps/examples/", gaps.gap_examples, name="gap-examples"),
    path("gaps.csv", gaps.gaps_csv, name="gaps-csv"),
    path("capacity/", capacity.capacity_view, name="capacity"),
    path("capacity.csv", capacity.capacity_csv, name="capacity-csv"),
]

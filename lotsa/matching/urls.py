"""URLs of the suggestions for a case."""

from django.urls import path

from .views import suggestions

app_name = "matching"

urlpatterns = [
    path("cases/<uuid:key>/suggestions/", suggestions.suggestions, name="suggestions"),
]

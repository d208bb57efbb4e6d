"""/api/key/, outside the language prefix: what a partner's API key is and may do."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.key_info, name="api-key"),
]

"""The staff start page: what this user can do, by role."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Membership, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=cast(User, request.user))
        .select_related("organization")
        .order_by("organization__name", "role")
    )
    return render(request, "accounts/home.html", {"memberships": memberships})

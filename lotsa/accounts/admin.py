"""Admin for users, organisations, memberships and link worker teams."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, Organization, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "language")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_approved"]
    list_filter = ["kind", "country", "is_approved"]
    search_fields = ["name", "org_number"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams are configuration; their people's data is not in the admin (DOMAIN.md: an
    administrator sees configuration and users, never people's content)."""

    list_display = ["name", "organization", "municipality", "takes_self_referrals"]
    list_filter = ["takes_self_referrals"]
    search_fields = ["name", "organization__name"]
    filter_horizontal = ["serves", "members"]

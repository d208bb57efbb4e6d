"""Admin for users, organisations, memberships, link worker teams and API keys."""

from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions
from .models import ApiKey, Membership, Organization, Team, User


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


class ApiKeyCreationForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the organisation's system may do with the key."),
    )

    class Meta:
        model = ApiKey
        fields = ["organization", "name", "scopes", "expires_at"]

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return expires_at


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made here (the whole key is shown once, on the page after saving, and is
    kept nowhere: not in a message, which would sit in a cookie or the session) and revoked
    with the list's action. A key is never changed or deleted: its uses are in the log."""

    form = ApiKeyCreationForm
    list_display = [
        "name",
        "organization",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "organization__name"]
    list_select_related = ["organization"]
    actions = ["revoke"]
    readonly_fields = [
        "organization",
        "name",
        "prefix",
        "scope_list",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_by",
        "revoked_at",
    ]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return self.readonly_fields if obj is not None else ApiKeyCreationForm.Meta.fields

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        # Viewable, never editable (revoking is the list's action).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return  # nothing of a key changes but its revocation
        data = form.cleaned_data
        api_key, key = actions.create_api_key(
            data["organization"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
            acting_user=request.user,
        )
        # The admin goes on with `obj` (its history entry): make it the saved key.
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(api_key, field.attname))
        obj._state.adding = False
        obj._state.db = api_key._state.db
        request._lotsa_new_api_key = key  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        key = getattr(request, "_lotsa_new_api_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/accounts/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API key created"),
                "opts": self.opts,
                "api_key": obj,
                "key": key,
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            actions.revoke_api_key(api_key, acting_user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# Single sign-on is configured by settings (LOTSA_OIDC_*), and provider accounts are never
# stored (sso.py): allauth's own admin for provider apps, accounts and tokens is not offered.
for _model in (SocialApp, SocialAccount, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

"""How allauth treats Lotsa's accounts: staff are created by organisations, not by open signup."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Organisations register through the directory's own form, which creates the user.
        return False

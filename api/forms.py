from __future__ import annotations

from django import forms

from api.models import AccessToken
from api.services import EXPIRY_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “Greenhouse sync”.")
    scope = forms.ChoiceField(choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ)
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        initial=90,
    )

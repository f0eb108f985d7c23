from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, refusing an over-long username before it reaches authentication.

    The stock form only sets ``maxlength`` on the widget, so a longer name would reach django-axes,
    whose attempt log holds 255 characters.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        assert isinstance(field, forms.CharField)
        field.validators.append(MaxLengthValidator(field.max_length or 150))

"""A person's own settings: the time zone their times are entered and shown in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Profile, known_time_zones
from accounts.services import profile_time_zone_set
from accounts.timezones import browser_zone_name, zone_named


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Times are entered and shown in this zone and stored in UTC.",
    )

    def __init__(self, *args: object, browser_zone: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        follow = f"Follow this browser ({browser_zone})" if browser_zone else "Follow this browser"
        self.fields["time_zone"].choices = [("", follow), *((z, z) for z in sorted(known_time_zones()))]  # type: ignore[attr-defined]


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    browser = browser_zone_name(request)
    browser_zone = browser if zone_named(browser) else ""
    current = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""
    form = TimeZoneForm(request.POST or None, initial={"time_zone": current}, browser_zone=browser_zone)
    if request.method == "POST" and form.is_valid():
        try:
            profile_time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
        except ValidationError as error:
            form.add_error("time_zone", error.messages)
        else:
            messages.success(request, "Settings saved.")
            return redirect("account_settings")
    context = {"form": form, "active_zone": timezone.get_current_timezone_name(), "now": timezone.now()}
    return render(request, "accounts/settings.html", context, status=400 if form.errors else 200)

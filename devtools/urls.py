"""The app's URLs plus the bench's bare signed-in view; only `bench` routes requests here (never production)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404
from config.urls import urlpatterns as app_urlpatterns

FLOOR_PATH = "/devtools/floor/"


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """What every signed-in page costs before it does anything: the middleware stack, the session and the user."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="devtools_floor"), *app_urlpatterns]

__all__ = ["handler404", "urlpatterns"]

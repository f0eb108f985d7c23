from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For a load balancer: 200 when this server can reach the database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The app's own page for a refused form (CSRF_FAILURE_VIEW): plain words, no inline style, no debug hints.

    Rendering it sets a fresh CSRF cookie, so going back and sending the form again works.
    """
    return render(request, "403_csrf.html", status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 page; under /api/ the API's JSON error instead (a URL that matches no endpoint)."""
    if request.path.startswith("/api/"):
        body = {"error": "not_found", "message": "No such endpoint or object.", "fields": {}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)

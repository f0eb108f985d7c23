from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from roles import selectors


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    return render(request, "roles/role_list.html", {"rubrics": selectors.current_rubrics()})


@login_required
def role_kit(request: HttpRequest, slug: str) -> HttpResponse:
    version = request.GET.get("version")
    if version is not None and not (version.isascii() and version.isdecimal()):
        raise Http404("No such rubric version.")
    rubric = selectors.rubric_get(role_slug=slug, number=int(version) if version else None)
    versions = selectors.rubric_versions(role_slug=slug)
    return render(request, "roles/role_kit.html", {"rubric": rubric, "versions": versions})

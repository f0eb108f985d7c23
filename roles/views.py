from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from roles import selectors
from roles.blueprints import blueprint_text
from roles.forms import BlueprintUploadForm, PublishForm
from roles.importing import publishing
from roles.importing.reading import ImportRefused
from roles.models import Exercise, RubricVersion
from roles.policy import can_export_roles, can_import_roles, can_see_provenance


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    context = {"rubrics": selectors.current_rubrics(), "can_import": can_import_roles(request.user)}
    return render(request, "roles/role_list.html", context)


def _version(request: HttpRequest) -> int | None:
    """The ?version= asked for, None for the newest; 404 for anything but a number."""
    version = request.GET.get("version")
    if version is not None and not (version.isascii() and version.isdecimal() and len(version) < 6):
        raise Http404("No such rubric version.")
    return int(version) if version else None


@login_required
def role_kit(request: HttpRequest, slug: str) -> HttpResponse:
    """The interview guide; ?exercise= narrows it to one exercise (as a scorecard links to it); staff may add
    ?provenance=1 to see where it comes from."""
    try:
        kit = selectors.kit_get(role_slug=slug, number=_version(request), exercise_slug=request.GET.get("exercise", ""))
    except (RubricVersion.DoesNotExist, Exercise.DoesNotExist) as missing:
        raise Http404(str(missing)) from None
    context = {
        "kit": kit,
        "rubric": kit.rubric,
        "versions": selectors.rubric_versions(role_slug=slug),
        "can_see_provenance": can_see_provenance(request.user),
        "provenance": can_see_provenance(request.user) and request.GET.get("provenance") == "1",
        "can_export": can_export_roles(request.user),
    }
    return render(request, "roles/role_kit.html", context)


@require_GET
@login_required
def role_fixture(request: HttpRequest, slug: str) -> HttpResponse:
    """A version's fixture file, as `export_role` writes it, to download."""
    if not can_export_roles(request.user):
        raise PermissionDenied("Downloading a role's fixture is for staff.")
    try:
        document = selectors.rubric_export(role_slug=slug, number=_version(request))
    except RubricVersion.DoesNotExist as missing:
        raise Http404(str(missing)) from None
    response = HttpResponse(blueprint_text(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-v{document["rubric"]["version"]}.json"'
    return response


def _staff_only(request: HttpRequest) -> None:
    if not can_import_roles(request.user):
        raise PermissionDenied("Importing roles is for staff.")


@login_required
def role_import(request: HttpRequest) -> HttpResponse:
    """Upload a blueprint document; it is kept on the server for the preview."""
    _staff_only(request)
    form = BlueprintUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        try:
            publishing.upload_store(request.session, name=document.name, data=document.read())
        except ImportRefused as error:
            problems = publishing.refusal_messages(error, name=document.name)
        else:
            return redirect("roles:import_preview")
    status = 400 if request.method == "POST" else 200
    return render(request, "roles/role_import.html", {"form": form, "problems": problems}, status=status)


@login_required
def role_import_preview(request: HttpRequest) -> HttpResponse:
    """The uploaded role as interviewers will see it, the review list beside it, and the publish form."""
    _staff_only(request)
    upload = publishing.upload_get(request.session)
    if upload is None:
        messages.info(request, "Upload a blueprint document first.")
        return redirect("roles:import")
    target = request.GET.get("as")
    target = publishing.default_target(upload) if target is None else target
    retitle = request.GET.get("retitle") == "1"
    publication = publishing.publication_plan(upload, target=target)
    publishing.publication_preview(publication, retitle=retitle)
    return _preview(request, publication, retitle=retitle)


def _preview(
    request: HttpRequest, publication: publishing.Publication, *, retitle: bool, status: int = 200
) -> HttpResponse:
    context = {
        "publication": publication,
        "rubric": publication.kit.rubric if publication.kit else None,
        "kit": publication.kit,
        "can_see_provenance": True,  # the preview is for staff, who review where the kit comes from
        "provenance": True,
        "versions": publication.versions,
        "roles": selectors.current_rubrics(),
        "form": PublishForm(
            initial={"token": publication.upload.token, "target": publication.target, "retitle": retitle}
        ),
    }
    return render(request, "roles/role_import_preview.html", context, status=status)


@require_POST
@login_required
def role_import_publish(request: HttpRequest) -> HttpResponse:
    """Publish the uploaded document as a new role or the next version of one, in one transaction."""
    _staff_only(request)
    upload = publishing.upload_get(request.session)
    form = PublishForm(request.POST)
    if upload is None or not form.is_valid() or form.cleaned_data["token"] != upload.token:
        return render(
            request,
            "roles/role_import.html",
            {"form": BlueprintUploadForm(), "problems": ["No uploaded document to publish: upload it again."]},
            status=400,
        )
    retitle = form.cleaned_data["retitle"]
    publication = publishing.publication_plan(upload, target=form.cleaned_data["target"])
    if not publishing.publication_publish(publication, retitle=retitle):
        shown = publishing.publication_plan(upload, target=publication.target)
        publishing.publication_preview(shown, retitle=retitle)
        shown.problems = shown.problems or publication.problems
        return _preview(request, shown, retitle=retitle, status=400)
    publishing.upload_clear(request.session)
    fixture = publication.fixture
    messages.success(request, f"Published {fixture['role']['title']} version {fixture['rubric']['version']}.")
    return redirect("roles:kit", slug=fixture["role"]["slug"])

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_POST

from roles import drafts, selectors
from roles.blueprints import Problem, blueprint_text
from roles.editor import EditorRefused, document_change, document_from_form, editor_page, field_id
from roles.forms import BlueprintUploadForm, PublishForm
from roles.importing import publishing
from roles.importing.reading import ImportRefused
from roles.models import Exercise, RoleDraft, RubricVersion
from roles.policy import can_edit_roles, can_export_roles, can_import_roles, can_see_provenance

MAX_FIELDS = 20_000  # name/value pairs one autosave may carry


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    can_edit = can_edit_roles(request.user)
    context = {
        "rows": selectors.role_rows(),
        "can_import": can_import_roles(request.user),
        "can_edit": can_edit,
        "drafts": selectors.drafts_open() if can_edit else [],
    }
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
        "can_edit": can_edit_roles(request.user),
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
        raise PermissionDenied("Importing roles is for staff and role editors.")


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


def _posted_upload(request: HttpRequest, *, to: str) -> tuple[publishing.Upload, PublishForm] | HttpResponse:
    """The upload the preview's form names (its token), or the upload page again, 400, when it is gone or stale."""
    upload = publishing.upload_get(request.session)
    form = PublishForm(request.POST)
    if upload is None or not form.is_valid() or form.cleaned_data["token"] != upload.token:
        return render(
            request,
            "roles/role_import.html",
            {"form": BlueprintUploadForm(), "problems": [f"No uploaded document to {to}: upload it again."]},
            status=400,
        )
    return upload, form


@require_POST
@login_required
def role_import_publish(request: HttpRequest) -> HttpResponse:
    """Publish the uploaded document as a new role or the next version of one, in one transaction."""
    _staff_only(request)
    posted = _posted_upload(request, to="publish")
    if isinstance(posted, HttpResponse):
        return posted
    upload, form = posted
    retitle = form.cleaned_data["retitle"]
    publication = publishing.publication_plan(upload, target=form.cleaned_data["target"])
    if not publishing.publication_publish(publication, retitle=retitle, by=_user(request)):
        shown = publishing.publication_plan(upload, target=publication.target)
        publishing.publication_preview(shown, retitle=retitle)
        shown.problems = shown.problems or publication.problems
        return _preview(request, shown, retitle=retitle, status=400)
    publishing.upload_clear(request.session)
    fixture = publication.fixture
    messages.success(request, f"Published {fixture['role']['title']} version {fixture['rubric']['version']}.")
    return redirect("roles:kit", slug=fixture["role"]["slug"])


# --- the role editor -----------------------------------------------------------------------------------------


def _editors_only(request: HttpRequest) -> None:
    if not can_edit_roles(request.user):
        raise PermissionDenied("Writing roles is for staff and role editors.")


def _draft(request: HttpRequest, draft_id: int) -> RoleDraft:
    _editors_only(request)
    draft = selectors.draft_get(draft_id=draft_id)
    if draft is None:
        raise Http404("No such draft: it may have been published or discarded.")
    return draft


@require_POST
@login_required
def role_new(request: HttpRequest) -> HttpResponse:
    """A new role's draft, from the skeleton (a title, a 1–5 scale, one dimension)."""
    _editors_only(request)
    if request.POST.get("start") != "skeleton":
        return HttpResponseBadRequest("Use the New role button on the roles page to start a role.")
    draft = drafts.draft_create(by=_user(request))
    return redirect("roles:draft", draft_id=draft.pk)


@require_POST
@login_required
def role_draft_from_version(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft of the role's next version (`as=version`), or of a new role copied from it (`as=copy`)."""
    _editors_only(request)
    how = request.POST.get("as")
    if how not in ("version", "copy"):
        return HttpResponseBadRequest("Choose to edit the role's next version or to copy it into a new role.")
    try:
        draft = drafts.draft_copy(by=_user(request), role_slug=slug, as_new_role=how == "copy")
    except RubricVersion.DoesNotExist as missing:
        raise Http404(str(missing)) from None
    return redirect("roles:draft", draft_id=draft.pk)


@require_POST
@login_required
def role_import_edit(request: HttpRequest) -> HttpResponse:
    """Open the uploaded document in the editor (as the role chosen in the preview, or a new one), review list kept."""
    _editors_only(request)
    posted = _posted_upload(request, to="open")
    if isinstance(posted, HttpResponse):
        return posted
    upload, form = posted
    publication = publishing.publication_plan(upload, target=form.cleaned_data["target"])
    draft = drafts.draft_from_import(by=_user(request), fixture=publication.fixture, target=publication.target)
    publishing.upload_clear(request.session)
    return redirect("roles:draft", draft_id=draft.pk)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _revision(data: Any) -> int | None:
    value = str(data.get("revision", ""))
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 10 else None


def _editor(
    request: HttpRequest,
    draft: RoleDraft,
    *,
    document: dict[str, Any] | None = None,
    problems: list[Problem] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    shown = draft.document if document is None else document
    context = {
        "draft": draft,
        "editor": editor_page(shown, new_role=draft.role is None, problems=problems or []),
        "conflict": conflict,
        "latest": selectors.rubric_versions(role_slug=draft.role.slug).first() if draft.role else None,
    }
    return render(request, "roles/role_editor.html", context, status=status)


@login_required
def role_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The editor. A post saves what was typed (as the next revision) and, per its button, adds or removes a row,
    shows the preview or publishes; a post from an older revision is refused, naming who saved since."""
    draft = _draft(request, draft_id)
    if request.method != "POST":
        return _editor(request, draft)
    revision = _revision(request.POST)
    action = request.POST.get("action", "save")
    try:
        document = document_from_form(request.POST, base=draft.document, kept=draft.kept_slugs)
    except EditorRefused as refused:
        return _editor(request, draft, problems=refused.problems, status=400)
    if revision is None:
        return _editor(
            request, draft, document=document, conflict="The form has no revision: reload the page.", status=400
        )
    try:
        if action == "publish":
            rubric = drafts.draft_publish(draft=draft, by=_user(request), revision=revision, document=document)
            messages.success(request, f"Published {rubric.title} version {rubric.number}.")
            return redirect("roles:kit", slug=rubric.role.slug)
        saved = drafts.draft_save(
            draft=draft, by=_user(request), revision=revision, document=document_change(document, action=action)
        )
    except drafts.DraftConflict as conflict:
        return _editor(request, draft, document=document, conflict=conflict.message, status=409)
    except drafts.DraftRefused as refused:
        return _editor(request, refused.draft or draft, problems=refused.problems, status=400)
    if action == "preview":
        return redirect("roles:draft_preview", draft_id=saved.pk)
    messages.success(request, "Draft saved.")
    return redirect(reverse("roles:draft", args=[saved.pk]) + _fragment(action))


def _fragment(action: str) -> str:
    """Back to the part of the page the button was in."""
    for kind in ("dimension", "anchor", "exercise", "signal", "area"):
        if kind in action:
            return f"#{'dimension' if kind == 'anchor' else kind}s"
    return ""


@require_POST
@login_required
def role_draft_autosave(request: HttpRequest, draft_id: int) -> JsonResponse:
    """The editor's script: {"revision": N, "fields": [[name, value], ...]} saved as revision N+1; 409 naming
    who saved since when N is stale; 400 for what cannot be kept (nothing saved)."""
    draft = _draft(request, draft_id)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        return JsonResponse({"message": "The autosave was not JSON."}, status=400)
    fields = payload.get("fields") if isinstance(payload, dict) else None
    revision = _revision(payload) if isinstance(payload, dict) else None
    if revision is None or not isinstance(fields, list) or len(fields) > MAX_FIELDS:
        return JsonResponse({"message": "The autosave needs a revision and the form's fields."}, status=400)
    data: MultiValueDict[str, str] = MultiValueDict()
    for item in fields:
        if isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item):
            data.appendlist(item[0], item[1])
    try:
        document = document_from_form(data, base=draft.document, kept=draft.kept_slugs)
        saved = drafts.draft_save(draft=draft, by=_user(request), revision=revision, document=document)
    except EditorRefused as refused:
        problems = [{"id": field_id(p.path), "message": p.message} for p in refused.problems]
        return JsonResponse(
            {"message": "Not saved: " + "; ".join(p.message for p in refused.problems), "problems": problems},
            status=400,
        )
    except drafts.DraftConflict as conflict:
        return JsonResponse(
            {"message": conflict.message, "editor": conflict.editor, "at": f"{conflict.at:%H:%M}"}, status=409
        )
    return JsonResponse({"revision": saved.revision, "saved_at": f"{timezone.localtime(saved.updated_at):%H:%M}"})


@require_GET
@login_required
def role_draft_preview(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The draft as interviewers will see it once published (its kit, then its scorecard, inert), from a load that
    is rolled back, or why it cannot be."""
    draft = _draft(request, draft_id)
    try:
        preview = drafts.draft_preview(draft)
    except drafts.DraftRefused as refused:
        return _editor(request, draft, problems=refused.problems, status=400)
    context = {
        "draft": draft,
        "kit": preview.kit,
        "rubric": preview.kit.rubric,
        "versions": preview.versions,
        "scorecard": preview.scorecard,
        "can_see_provenance": True,
        "provenance": True,
    }
    return render(request, "roles/role_draft_preview.html", context)


@require_POST
@login_required
def role_draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    revision = _revision(request.POST)
    if revision is None:
        return _editor(request, draft, conflict="The form has no revision: reload the page.", status=400)
    try:
        drafts.draft_discard(draft=draft, revision=revision)
    except drafts.DraftConflict as conflict:
        return _editor(request, draft, conflict=conflict.message, status=409)
    messages.success(request, "Draft discarded.")
    return redirect("roles:list")

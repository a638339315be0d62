"""The firm's Word templates (list, upload, check and questions, replace,
retire, starters, the field list) and generating a draft from one on a matter
(docs/documents-templates.md).

Templates are managed by the firm's attorneys and admins and read by every
firm member; provider staff never open these pages, but generate drafts on
matters they may see when their work includes documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.common.errors import ServiceError
from firmdesk.documents import drafting, starters
from firmdesk.documents import drafting_services as services
from firmdesk.documents.models import DocumentTemplate
from firmdesk.documents.selectors import access_document
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
)
from firmdesk.work.selectors import tasks_for_scope

from .forms import GenerateForm, QuestionsForm, TemplateReplaceForm, TemplateUploadForm


def _access_template(scope, template_id) -> DocumentTemplate:
    return access_object(
        DocumentTemplate,
        scope,
        template_id,
        queryset=DocumentTemplate.objects.in_scope(scope).select_related(
            "document__current_version"
        ),
    )


def _document_url(document) -> str:
    """The document's page (the library's); the matter's page until it exists."""
    slug = document.firm.slug
    try:
        return reverse("documents:document_detail", args=(slug, document.public_id))
    except NoReverseMatch:
        return reverse("matters:matter_detail", args=(slug, document.matter.public_id))


def _today(scope):
    return timezone.localdate(timezone=scope.firm.tz)


# --- Templates ---------------------------------------------------------------------


def template_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    templates = list(
        DocumentTemplate.objects.in_scope(scope)
        .select_related("created_by")
        .order_by("-active", "name")
    )
    for template in templates:
        template.check_result = drafting.check(template.fields, template.questions)
    return render(
        request,
        "web/documents/drafting/template_list.html",
        {
            "templates": templates,
            "may_manage": services.may_manage_templates(scope),
            "may_add_starters": scope.is_firm_admin
            and len({t.starter for t in templates if t.starter})
            < len(starters.STARTERS),
        },
    )


def template_fields(request, firm_slug):
    forbidden_if(not request.scope.is_firm_member)
    groups = [
        (group, [f for f in drafting.CATALOGUE if f.group == group])
        for group in drafting.GROUPS
    ]
    return render(
        request,
        "web/documents/drafting/template_fields.html",
        {"groups": groups, "kinds": drafting.QUESTION_KINDS},
    )


@require_http_methods(["GET", "POST"])
def template_upload(request, firm_slug):
    scope = request.scope
    forbidden_if(not services.may_manage_templates(scope))
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_upload(
                firm=scope.firm,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Template “{template.name}” uploaded. Check its fields below "
                "before anyone uses it.",
            )
            return see_other(
                reverse(
                    "documents:template_detail", args=(firm_slug, template.public_id)
                )
            )
    return render(
        request, "web/documents/drafting/template_upload.html", {"form": form}
    )


@require_POST
def template_add_starters(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    made = starters.add_starter_templates(scope.firm, request.user)
    if made:
        messages.success(
            request,
            f"Added {made} of FirmDesk's starter templates. Read each one and "
            "change it to your firm's wording before it is used.",
        )
    else:
        messages.info(request, "FirmDesk's starter templates are here already.")
    return see_other(reverse("documents:template_list", args=(firm_slug,)))


@require_http_methods(["GET", "POST"])
def template_detail(request, firm_slug, template_id):
    """The template's check: every field it uses, known, asked or unknown, and
    where its {{ }} syntax is broken; the firm declares questions here."""
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    template = _access_template(scope, template_id)
    may_manage = services.may_manage_templates(scope)
    forbidden_if(request.method == "POST" and not may_manage)
    result = services.template_check(template)
    catalogued_asked = {q.name for q in result.questions} & {
        f.name for f in drafting.CATALOGUE if f.asked
    }
    # Fields the firm may declare as questions: not filled from the records.
    open_names = list(
        dict.fromkeys(
            [q.name for q in result.questions if q.name not in catalogued_asked]
            + [name for name, _ in result.unknown]
        )
    )
    form = QuestionsForm(
        request.POST or None, names=open_names, declared=template.questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_set_questions(
                firm=scope.firm,
                actor=request.user,
                template=template,
                questions=form.questions(),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Questions saved.")
            return see_other(
                reverse("documents:template_detail", args=(firm_slug, template_id))
            )
    return render(
        request,
        "web/documents/drafting/template_detail.html",
        {
            "template": template,
            "result": result,
            "asked": [q for q in result.questions if q.name in catalogued_asked],
            "form": form,
            "may_manage": may_manage,
            "kinds": drafting.QUESTION_KINDS,
        },
    )


@require_http_methods(["GET", "POST"])
def template_replace(request, firm_slug, template_id):
    scope = request.scope
    forbidden_if(not services.may_manage_templates(scope))
    template = _access_template(scope, template_id)
    form = TemplateReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_replace(
                firm=scope.firm,
                actor=request.user,
                template=template,
                uploaded_file=form.cleaned_data["file"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"New file of “{template.name}” uploaded; drafts generated from "
                "now on use it. Its check is below.",
            )
            return see_other(
                reverse("documents:template_detail", args=(firm_slug, template_id))
            )
    return render(
        request,
        "web/documents/drafting/template_replace.html",
        {"form": form, "template": template},
    )


@require_POST
def template_set_active(request, firm_slug, template_id):
    scope = request.scope
    forbidden_if(not services.may_manage_templates(scope))
    template = _access_template(scope, template_id)
    active = request.POST.get("active") == "1"
    services.template_set_active(
        firm=scope.firm, actor=request.user, template=template, active=active
    )
    if active:
        messages.success(request, f"“{template.name}” is in use again.")
    else:
        messages.success(
            request,
            f"“{template.name}” is retired: no one can generate from it until it "
            "is reactivated. Drafts made from it are kept.",
        )
    return see_other(
        reverse("documents:template_detail", args=(firm_slug, template_id))
    )


def template_download(request, firm_slug, template_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    template = _access_template(scope, template_id)
    version = template.document.current_version
    if version is None:
        raise Http404("No file here.")
    return send_document(
        request,
        scope,
        template.document,
        version,
        where=f"the template “{template.name}”",
        detail={"template": str(template.public_id)},
    )


# --- Generating ----------------------------------------------------------------------


def _usable_template(scope, template_id):
    template = _access_template(scope, template_id)
    if not template.active:
        raise Http404("No such template in use.")
    return template


@require_http_methods(["GET", "POST"])
def draft_generate(request, firm_slug, matter_id):
    """Choose a template (a list of links), then answer its questions."""
    scope = request.scope
    matter = access_matter(scope, matter_id)
    forbidden_if(not services.may_draft_on(scope, matter))
    templates = DocumentTemplate.objects.in_scope(scope).filter(active=True)
    chosen = request.GET.get("template")
    if not chosen:
        return render(
            request,
            "web/documents/drafting/generate_choose.html",
            {
                "matter": matter,
                "templates": list(templates),
                "task_id": request.GET.get("task", ""),
            },
        )
    template = _usable_template(scope, chosen)
    result = services.template_check(template)
    tasks = tasks_for_scope(scope).filter(matter=matter).order_by("-created_at")
    form = GenerateForm(
        request.POST or None,
        tasks=tasks,
        questions=result.questions,
        today=_today(scope),
        initial={"task": _initial_task(tasks, request.GET.get("task"))},
    )
    if request.method == "POST" and result.usable and form.is_valid():
        try:
            document = services.draft_generate(
                scope=scope,
                template=template,
                matter=matter,
                task=form.cleaned_data.get("task"),
                answers=form.answers(),
                today=_today(scope),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            empty = document.current_version.empty_fields
            messages.success(
                request,
                f"Draft “{document.title}” generated."
                + (
                    f" {len(empty)} field{'s' if len(empty) != 1 else ''} came out "
                    "empty; fill them in before submitting for review."
                    if empty
                    else ""
                ),
            )
            return see_other(_document_url(document))
    return render(
        request,
        "web/documents/drafting/generate_form.html",
        {
            "matter": matter,
            "template": template,
            "result": result,
            "form": form,
            "document": None,
        },
    )


def _initial_task(tasks, task_id):
    try:
        return tasks.filter(public_id=task_id).first() if task_id else None
    except ValidationError:  # a malformed id preselects nothing
        return None


@require_http_methods(["GET", "POST"])
def draft_generate_again(request, firm_slug, document_id):
    """The same questions with the previous answers filled in; the result is
    the document's next version."""
    scope = request.scope
    document = access_document(scope, document_id)
    if document.template is None or document.matter is None:
        raise Http404("Not a generated document.")
    forbidden_if(not services.may_draft_on(scope, document.matter))
    template = document.template
    result = services.template_check(template)
    form = GenerateForm(
        request.POST or None,
        tasks=None,
        questions=result.questions,
        today=_today(scope),
        initial={
            f"q_{name}": value
            for name, value in services.previous_answers(document).items()
        },
    )
    refusal = ""
    if document.status != document.Status.DRAFT:
        refusal = (
            f"“{document.title}” is {document.get_status_display().lower()}, no "
            "longer a draft, so it cannot be generated again."
        )
    if request.method == "POST" and not refusal and result.usable and form.is_valid():
        try:
            version = services.draft_generate_again(
                scope=scope,
                document=document,
                answers=form.answers(),
                today=_today(scope),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Version {version.number} of “{document.title}” generated."
            )
            return see_other(_document_url(document))
    return render(
        request,
        "web/documents/drafting/generate_form.html",
        {
            "matter": document.matter,
            "template": template,
            "result": result,
            "form": form,
            "document": document,
            "refusal": refusal,
        },
        status=409 if request.method == "POST" and refusal else 200,
    )

"""Isolation registry entries for documents: Word templates and generating drafts
(format: registry.py).

Every firm member reads the firm's templates and the field list; attorneys and
admins upload, replace, declare questions and retire; only firm admins add the
starter templates. Provider staff never open template pages. Generating a draft
on a matter (and again) is open to whoever sees the matter and does document
work: firm members, and provider staff with the matter granted and the
"documents" function; task-only access is not enough."""

from firmdesk.documents.models import DocumentTemplate

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

MANAGERS = ("firm_admin", "attorney")
NOT_MEMBERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
NOT_MANAGERS = (*NOT_MEMBERS, "firm_staff")
DRAFTERS = (*FIRM_MEMBERS, "assistant")
NOT_DRAFTERS = (*NO_FIRM_ACCESS, "ungranted_assistant")


def _template(f) -> dict:
    return {**_firm(f), "template_id": f.letter_template.public_id}


def _other_template(f) -> dict:
    return {**_firm(f), "template_id": f.other_letter_template.public_id}


def _active(f):
    return DocumentTemplate.unscoped.get(pk=f.letter_template.pk).active


def _template_count(f):
    return DocumentTemplate.unscoped.filter(firm=f.firm).count()


ROUTES: list = [
    Route(
        "documents:template_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
    ),
    Route(
        "documents:template_fields",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
        why="no client data, but only the firm writes templates",
    ),
    Route(
        "documents:template_upload",
        kwargs=_firm,
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
    ),
    Route(
        "documents:template_add_starters",
        kwargs=_firm,
        method="POST",
        success=303,
        state=_template_count,
        allowed=("firm_admin",),
        denied=(*NOT_MANAGERS, "attorney"),
    ),
    Route(
        "documents:template_detail",
        kwargs=_template,
        foreign_kwargs=_other_template,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
    ),
    Route(
        "documents:template_replace",
        kwargs=_template,
        foreign_kwargs=_other_template,
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
    ),
    Route(
        "documents:template_set_active",
        kwargs=_template,
        foreign_kwargs=_other_template,
        method="POST",
        success=303,
        state=_active,
        allowed=MANAGERS,
        denied=NOT_MANAGERS,
    ),
    Route(
        "documents:template_download",
        kwargs=_template,
        foreign_kwargs=_other_template,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
    ),
    Route(
        "documents:draft_generate",
        kwargs=lambda f: {**_firm(f), "matter_id": f.matter.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "matter_id": f.other_matter.public_id},
        allowed=DRAFTERS,
        denied=NOT_DRAFTERS,
    ),
    Route(
        "documents:draft_generate_again",
        kwargs=lambda f: {**_firm(f), "document_id": f.generated_draft.public_id},
        foreign_kwargs=lambda f: {
            **_firm(f),
            "document_id": f.other_generated_draft.public_id,
        },
        allowed=DRAFTERS,
        denied=NOT_DRAFTERS,
    ),
]

"""Pages of a contact's sensitive fields (issue 20): the form that changes
them and the page that shows one unmasked. Both find the contact through the
Scope and check the role first (404 otherwise), then ask the person to
confirm who they are (``@sensitive``) before anything is shown or changed.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.matters import sensitive as fields
from firmdesk.matters.models import Contact
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.pages import apply_service_error, forbidden_if

from .forms import SensitiveForm


@never_cache
@require_http_methods(["GET", "POST"])
def contact_sensitive_edit(request, firm_slug, contact_id):
    scope = request.scope
    forbidden_if(not fields.may_edit(scope))
    contact = access_object(Contact, scope, contact_id)
    if request.method == "POST":
        return _save(request, contact=contact)
    return _form_page(request, contact, SensitiveForm(contact=contact))


@sensitive
def _save(request, *, contact):
    form = SensitiveForm(request.POST, contact=contact)
    if form.is_valid() and form.check(today=timezone.localdate()):
        try:
            changed = fields.contact_sensitive_update(
                scope=request.scope,
                contact=contact,
                change=form.change(),
                today=timezone.localdate(),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                "Sensitive details saved." if changed else "Nothing was changed.",
            )
            return redirect(
                "matters:contact_detail", request.scope.firm.slug, contact.public_id
            )
    return _form_page(request, contact, form)


def _form_page(request, contact, form):
    return render(
        request,
        "web/matters/sensitive/edit.html",
        {"contact": contact, "form": form},
    )


@never_cache
@require_POST
def contact_sensitive_unmask(request, firm_slug, contact_id, field):
    scope = request.scope
    forbidden_if(field not in fields.FIELDS)
    contact = access_object(Contact, scope, contact_id)
    forbidden_if(not fields.may_unmask(scope, field) or not getattr(contact, field))
    return _unmasked(request, contact=contact, field=field)


@sensitive
def _unmasked(request, *, contact, field):
    value = fields.contact_sensitive_reveal(
        scope=request.scope, contact=contact, field=field
    )
    # never_cache: the page says no-store, so no browser or proxy keeps it.
    return render(
        request,
        "web/matters/sensitive/unmasked.html",
        {
            "contact": contact,
            "label": fields.LABELS[field],
            "kind": (
                contact.get_tax_id_kind_display()
                if field == "tax_id"
                else contact.get_gov_id_kind_display()
                if field == "gov_id_number"
                else ""
            ),
            "value": fields.shown(value),
        },
    )

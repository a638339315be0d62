"""Forms of the intake pages: the form builder, the lead lists' filters, taking
a lead by phone, and the actions on a lead. Labels are for intake staff and
attorneys, not engineers."""

from django import forms

from firmdesk.intake.models import IntakeQuestion, Lead, LeadNote
from firmdesk.web.forms import Styled, text_area
from firmdesk.web.matters.forms import DecisionForm


def lines(text: str) -> list[str]:
    """The non-empty lines of a text box, trimmed (one name per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


NO_ADVICE = (
    "Do not give legal advice here: no view of their case, no deadlines, no promises."
)


# --- The form builder ------------------------------------------------------------


class IntakeFormForm(Styled, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What visitors see at the top, e.g. “Family law inquiry”.",
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=60,
        required=False,
        help_text="The end of the form's public address, e.g. family-law. Leave "
        "empty to make it from the title.",
    )
    practice_area = forms.CharField(
        label="Practice area",
        max_length=80,
        required=False,
        help_text="Leads from this form carry it; leads taken by phone in the "
        "same area use this form's checklist.",
    )
    intro = forms.CharField(
        label="Introduction",
        widget=text_area(4),
        required=False,
        help_text="Shown above the questions. " + NO_ADVICE,
    )
    confirmation = forms.CharField(
        label="Confirmation",
        widget=text_area(4),
        required=False,
        help_text="Shown and e-mailed after a visitor sends the form. " + NO_ADVICE,
    )
    checklist = forms.CharField(
        label="Qualification checklist",
        widget=text_area(5),
        required=False,
        help_text="One item per line. Intake staff tick them on each lead, e.g. "
        "“Within the limitation period”, “In our jurisdiction”.",
    )
    is_active = forms.BooleanField(
        label="Open to the public (visitors can send it)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].error_messages["invalid"] = (
            "Use letters, digits and hyphens only, e.g. family-law."
        )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["checklist"] = lines(data["checklist"])
        return data

    @staticmethod
    def initial_from(form) -> dict:
        return {
            "title": form.title,
            "slug": form.slug,
            "practice_area": form.practice_area,
            "intro": form.intro,
            "confirmation": form.confirmation,
            "checklist": "\n".join(form.checklist),
            "is_active": form.is_active,
        }


CHOICE_KINDS = (IntakeQuestion.Kind.CHOICE, IntakeQuestion.Kind.MULTI_CHOICE)


class QuestionForm(Styled, forms.Form):
    """One row of the builder. A row left without wording is dropped."""

    label = forms.CharField(label="Question", max_length=300, required=False)
    kind = forms.ChoiceField(label="Answer", choices=IntakeQuestion.Kind.choices)
    required = forms.BooleanField(label="Must be answered", required=False)
    help_text = forms.CharField(label="Help text", max_length=300, required=False)
    choices = forms.CharField(
        label="Choices (one per line)",
        widget=text_area(3),
        required=False,
        help_text="Only for “One choice” and “Several choices”.",
    )

    def clean(self):
        data = super().clean()
        label = (data.get("label") or "").strip()
        choices = lines(data.get("choices", ""))
        if not label:
            if data.get("help_text") or choices:
                self.add_error(
                    "label", "Write the question, or tick “Remove this question”."
                )
            return data
        if data.get("kind") in CHOICE_KINDS and len(choices) < 2:
            self.add_error("choices", "Give at least two choices, one per line.")
        data["choices"] = choices if data.get("kind") in CHOICE_KINDS else []
        return data

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "label": data.get("label", ""),
            "kind": data.get("kind", ""),
            "required": data.get("required", False),
            "help_text": data.get("help_text", ""),
            "choices": data.get("choices", []),
        }


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Position"
        form.fields["ORDER"].widget.attrs.update({"class": "form-control", "min": 1})
        form.fields["DELETE"].label = "Remove this question"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
    max_num=100,
    validate_max=True,
)
QUESTIONS_PREFIX = "q"


def question_rows_from_post(post, prefix=QUESTIONS_PREFIX) -> list[dict]:
    """The rows as typed, for showing the builder again with one more row
    without judging what is half-written."""
    try:
        total = min(int(post.get(f"{prefix}-TOTAL_FORMS", 0)), 200)
    except ValueError:
        total = 0
    rows = []
    for n in range(total):
        key = f"{prefix}-{n}-"
        rows.append(
            {
                "label": post.get(key + "label", ""),
                "kind": post.get(key + "kind", IntakeQuestion.Kind.SHORT_TEXT),
                "required": bool(post.get(key + "required")),
                "help_text": post.get(key + "help_text", ""),
                "choices": post.get(key + "choices", ""),
                "DELETE": bool(post.get(key + "DELETE")),
                "ORDER": post.get(key + "ORDER") or n + 1,
            }
        )
    return rows


def question_rows_from(questions) -> list[dict]:
    return [
        {
            "label": q.label,
            "kind": q.kind,
            "required": q.required,
            "help_text": q.help_text,
            "choices": "\n".join(q.choices),
        }
        for q in questions
    ]


# --- Lead lists ---------------------------------------------------------------------

STATUS_FILTERS = [("open", "Open"), ("all", "Any status"), *Lead.Status.choices]
SORTS = [
    ("due", "First response due"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("name", "Name"),
]
QUEUE_SORTS = [*SORTS, ("firm", "Firm")]


class LeadFilterForm(Styled, forms.Form):
    """Filters above a lead table; unknown values are ignored, so an old
    bookmark still opens."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    source = forms.ChoiceField(
        label="Came by", choices=[("", "Any way"), *Lead.Source.choices], required=False
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    firm = forms.ChoiceField(label="Firm", required=False)
    overdue = forms.BooleanField(label="Only first response overdue", required=False)
    sort = forms.ChoiceField(label="Order", choices=SORTS, required=False)

    def __init__(self, data, *, people=None, firms=None, queue=False):
        super().__init__(data)
        self.fields["q"].widget.attrs["placeholder"] = "Name, e-mail or phone"
        if queue:
            self.fields["owner"].label = "Whose"
            self.fields["owner"].choices = [
                ("", "Everyone's"),
                ("me", "Mine"),
                ("none", "Unassigned"),
            ]
            self.fields["sort"].choices = QUEUE_SORTS
        else:
            self.fields["owner"].choices = [
                ("", "Anyone"),
                ("me", "Me"),
                ("none", "No one yet"),
                *((str(user.public_id), label) for user, label in people or []),
            ]
        if firms is None:
            del self.fields["firm"]
        else:
            self.fields["firm"].choices = [
                ("", "All firms"),
                *((f.slug, f.name) for f in firms),
            ]

    def params(self) -> dict:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        data.setdefault("status", "open")
        data.setdefault("sort", "due")
        return data

    @property
    def is_filtered(self) -> bool:
        return any(
            v
            for k, v in self.params().items()
            if k not in ("status", "sort") or (k == "status" and v != "open")
        )


# --- Taking a lead by phone, e-mail or referral --------------------------------------

STAFF_SOURCES = [
    (Lead.Source.PHONE, "Phone call"),
    (Lead.Source.EMAIL, "E-mail"),
    (Lead.Source.REFERRAL, "Referral"),
]


class LeadNewForm(Styled, forms.Form):
    source = forms.ChoiceField(label="How they reached the firm", choices=STAFF_SOURCES)
    name = forms.CharField(label="Their name", max_length=200)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        help_text="With the area code; give an e-mail, a phone or both.",
    )
    practice_area = forms.CharField(
        label="Practice area",
        max_length=80,
        required=False,
        help_text="Its qualification checklist comes from the firm's intake form "
        "of the same area.",
    )
    description = forms.CharField(
        label="What happened, in their words", widget=text_area(5), required=False
    )
    adverse_parties = forms.CharField(
        label="The other side",
        widget=text_area(3),
        required=False,
        help_text="Everyone they name on the other side, one per line: people and "
        "companies. Each is checked for conflicts at once.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = (
            "That is not an e-mail address; check it, or leave it empty and give a "
            "phone number."
        )
        self.fields["practice_area"].widget.attrs["list"] = "practice-areas"


# --- Actions on a lead -------------------------------------------------------------

CONTACT_KINDS = [
    (LeadNote.Kind.CALL, "Phone call"),
    (LeadNote.Kind.EMAIL, "E-mail"),
    (LeadNote.Kind.TEXT, "Text message"),
    (LeadNote.Kind.NOTE, "Note only (no contact with them)"),
]


class LogContactForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="How", choices=CONTACT_KINDS)
    text = forms.CharField(
        label="What was said or agreed", widget=text_area(3), max_length=4000
    )


class StatusForm(Styled, forms.Form):
    status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        label="Why (optional, kept on the lead)", max_length=300, required=False
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        moves = [
            Lead.Status.NEW,
            Lead.Status.CONTACTED,
            Lead.Status.QUALIFIED,
            Lead.Status.CONSULTATION,
            Lead.Status.NO_RESPONSE,
        ]
        self.fields["status"].choices = [
            (s.value, s.label) for s in moves if s.value != current
        ]


class AssignForm(Styled, forms.Form):
    owner = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.public_id): user for user, _ in people}
        self.fields["owner"].choices = [
            ("", "No one"),
            *((str(user.public_id), label) for user, label in people),
        ]

    def clean_owner(self):
        return self.people.get(self.cleaned_data["owner"])


class DecideForm(DecisionForm):
    """The lead page's conflict decision: the matter pages' form, with no
    choice made in advance and the same rules for the note."""


NEW_CONTACT = "new"


def _match_label(match) -> str:
    contact = match.contact
    details = ", ".join([*contact.emails, *contact.phones])
    known = " (an earlier inquiry)" if contact.is_prospective else ""
    return (
        f"Use {contact.name}{known}"
        + (f", {details}" if details else "")
        + f": {'; '.join(match.why)}"
    )


class RetainForm(Styled, forms.Form):
    """``matches``: contacts on file that may be the lead's person
    (``services.contacts_like_lead``). With any, the person retaining chooses
    one of them or a new contact; nothing is chosen for them."""

    title = forms.CharField(label="Matter title", max_length=200)
    responsible_attorney = forms.ChoiceField(label="Responsible attorney")
    practice_area = forms.CharField(label="Practice area", max_length=80)

    def __init__(self, *args, attorneys, matches=(), lead_name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.attorneys = {str(user.public_id): user for user in attorneys}
        self.fields["responsible_attorney"].choices = [
            ("", "Choose…"),
            *((str(user.public_id), user.full_name) for user in attorneys),
        ]
        self.fields["practice_area"].required = False
        self.matches = {str(m.contact.public_id): m.contact for m in matches}
        if matches:
            self.fields["client"] = forms.ChoiceField(
                label="The client",
                widget=forms.RadioSelect,
                choices=[
                    *((str(m.contact.public_id), _match_label(m)) for m in matches),
                    (NEW_CONTACT, f"Add {lead_name} as a new contact"),
                ],
                error_messages={
                    "required": "The firm's file may already have this person: "
                    "choose the contact to use, or add a new one."
                },
                help_text="Using the contact on file keeps one record of the "
                "client; the name given on this inquiry is added to it.",
            )

    def clean_responsible_attorney(self):
        return self.attorneys.get(self.cleaned_data["responsible_attorney"])

    def clean_client(self):
        """The contact chosen, or NEW_CONTACT."""
        value = self.cleaned_data["client"]
        return self.matches.get(value, NEW_CONTACT)


class DeclineForm(Styled, forms.Form):
    reason = forms.CharField(
        label="Why the firm declines",
        max_length=300,
        widget=text_area(2),
        help_text="Kept on the file, not sent. The non-engagement letter is "
        "prepared as a task.",
    )

"""Forms of the public pages: a firm's intake form (built from its questions),
the details asked when booking a consultation, and the feedback form.

Every upload is checked here (size and kind, ``check_upload``) before anything
is stored, so a refused file comes back as a message next to its field with
everything else the visitor typed still in place.
"""

from django import forms
from django.core.exceptions import ValidationError

from firmdesk.common.errors import ServiceError
from firmdesk.documents.validation import check_upload
from firmdesk.intake import services
from firmdesk.intake.models import IntakeQuestion
from firmdesk.web.forms import DateInput, style_field

Kind = IntakeQuestion.Kind
YES_NO = [("yes", "Yes"), ("no", "No")]
# Radio buttons up to this many choices, a drop-down above.
RADIO_MAX = 6
HONEYPOT = "website"


class PhoneField(forms.CharField):
    """A phone number the firm can dial: checked, kept as the visitor wrote
    it (the lead's own number is normalised by the service)."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def __init__(self, *, firm, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.firm = firm

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                services.normalise_phone(value, self.firm)
            except ServiceError as error:
                raise ValidationError(error.message) from None
        return value


class CheckedFileField(forms.FileField):
    """A file the documents app will accept: the same check as every upload,
    with its message (which names the file and says what is allowed)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                check_upload(upload)
            except ServiceError as error:
                raise ValidationError(error.message) from None
        return upload


class ContactFields(forms.Form):
    """Who is asking and about what: the same on the intake form and the
    booking page. ``website`` is the honeypot: hidden from people (by CSS,
    from screen readers and the keyboard), filled in by bots."""

    name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    description = forms.CharField(
        label="What happened?",
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In a few sentences: what happened, when, and what you would like "
        "help with.",
    )
    adverse_parties = forms.CharField(
        label="The other side",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The names of the other people or companies involved, one per "
        "line. The firm checks them for conflicts of interest before it can "
        "help you.",
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.firm = firm
        self.fields["phone"] = PhoneField(
            firm=firm,
            label="Phone",
            required=False,
            help_text="Give a phone number, an e-mail address, or both.",
        )
        order = ["name", "email", "phone", "description", "adverse_parties"]
        self.order_fields(order)
        for field in self.fields.values():
            style_field(field)

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT]

    def clean(self):
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and not self.errors.get("email")
            and not self.errors.get("phone")
        ):
            self.add_error(
                "email",
                "Give an e-mail address or a phone number so the firm can answer you.",
            )
        return data

    def submission(self, *, answers=(), files=(), held=()) -> services.Submission:
        data = self.cleaned_data
        return services.Submission(
            name=data["name"],
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            description=data.get("description") or "",
            adverse_parties=tuple(
                line.strip()
                for line in (data.get("adverse_parties") or "").splitlines()
                if line.strip()
            ),
            answers=tuple(answers),
            files=tuple(files),
            held=tuple(held),
        )


def _question_field(question: IntakeQuestion, firm) -> forms.Field:
    common = {
        "label": question.label,
        "required": question.required,
        "help_text": question.help_text,
    }
    choices = [(c, c) for c in question.choices]
    match question.kind:
        case Kind.LONG_TEXT:
            return forms.CharField(
                max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), **common
            )
        case Kind.CHOICE:
            widget = forms.RadioSelect if len(choices) <= RADIO_MAX else forms.Select
            if widget is forms.Select:
                choices = [("", "Choose…"), *choices]
            return forms.ChoiceField(choices=choices, widget=widget, **common)
        case Kind.MULTI_CHOICE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        case Kind.DATE:
            field = forms.DateField(widget=DateInput, **common)
            field.error_messages["invalid"] = "Enter a date, such as 03/16/2026."
            return field
        case Kind.PHONE:
            return PhoneField(firm=firm, **common)
        case Kind.EMAIL:
            return forms.EmailField(**common)
        case Kind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        case Kind.FILE:
            return CheckedFileField(**common)
        case _:
            return forms.CharField(max_length=500, **common)


def _answer_text(question: IntakeQuestion, value) -> str:
    if value in (None, "", []):
        return ""
    match question.kind:
        case Kind.MULTI_CHOICE:
            return ", ".join(value)
        case Kind.DATE:
            return value.isoformat()
        case Kind.YES_NO:
            return dict(YES_NO)[value]
        case Kind.FILE:
            return value.name
        case _:
            return str(value).strip()


class PublicIntakeForm(ContactFields):
    """The fixed fields, then the practice area's questions as ``q1``, ``q2``…

    ``form_token`` names this rendering of the form (issued with it, kept when
    it comes back with an error): sent twice, it makes one lead. ``held`` are
    the files kept from an earlier try, by field: such a field needs no new
    file, and a new one replaces the kept one."""

    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, firm, questions, held=None, **kwargs):
        super().__init__(*args, firm=firm, **kwargs)
        self.held = dict(held or {})
        self.questions = {}
        for n, question in enumerate(questions, start=1):
            name = f"q{n}"
            self.questions[name] = question
            self.fields[name] = _question_field(question, firm)
            style_field(self.fields[name])
            if name in self.held:
                self.fields[name].required = False
                self.fields[name].held = self.held[name]

    @property
    def has_files(self) -> bool:
        return any(q.kind == Kind.FILE for q in self.questions.values())

    def file_fields(self) -> list[str]:
        return [n for n, q in self.questions.items() if q.kind == Kind.FILE]

    def _answer(self, name, question) -> str:
        value = self.cleaned_data.get(name)
        if question.kind == Kind.FILE and not value and name in self.held:
            return self.held[name].document.title
        return _answer_text(question, value)

    def answers(self) -> list[dict]:
        """``[{question, kind, answer}]`` in the order asked, unanswered ones
        included, so the firm sees what the visitor saw."""
        return [
            {
                "question": question.label,
                "kind": question.kind,
                "answer": self._answer(name, question),
            }
            for name, question in self.questions.items()
        ]

    def uploads(self) -> list:
        return [
            self.cleaned_data[name]
            for name in self.file_fields()
            if self.cleaned_data.get(name)
        ]

    def replaced(self) -> list[str]:
        """Fields whose held file a newly chosen one replaces."""
        return [name for name in self.held if self.cleaned_data.get(name)]

    def kept(self) -> list:
        """Held files still wanted: those of fields with no new file."""
        return [
            held for name, held in self.held.items() if not self.cleaned_data.get(name)
        ]


class BookingDetailsForm(ContactFields):
    """Asked once a visitor chose a time on the booking page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = "What would you like to talk about?"
        self.fields["description"].widget.attrs["rows"] = 3


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How did we do?",
        choices=[
            (5, "5 — excellent"),
            (4, "4 — good"),
            (3, "3 — fair"),
            (2, "2 — poor"),
            (1, "1 — very poor"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything you would like to tell us?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)
        self.fields["rating"].error_messages["required"] = (
            "Choose a rating from 1 to 5."
        )

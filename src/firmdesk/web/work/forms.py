"""Forms of the work pages: delegating, the queue filters and the actions on a
task. Every label is for attorneys and assistants, not engineers."""

from django import forms
from django.utils import timezone

from firmdesk.common.times import zone_label
from firmdesk.orgs.models import Function
from firmdesk.web.forms import (
    DateInput,
    QuickCheckbox,
    QuickSelect,
    QuickTextInput,
    Styled,
)
from firmdesk.work.models import Flag, Priority, Recurrence, Review, Task

IN_HOUSE = "in_house"
NO_PLAYBOOK = "none"


def zone_abbreviation(tz) -> str:
    return zone_label(timezone.now().astimezone(tz)) or str(tz)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A time typed and shown in the viewer's own zone, whatever zone the server
    runs in; stored in UTC like every time."""

    widget = LocalDateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, *, tz, **kwargs):
        self.tz = tz
        kwargs.setdefault("label", f"Due time ({zone_abbreviation(tz)})")
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Enter a date and a time, such as 5:00 PM."

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is checked by the view, which keeps the
    ones that pass even when another field has an error."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


def _function_choices(blank="Choose…"):
    return [("", blank), *Function.choices]


# --- Queue filters -------------------------------------------------------------

STATUS_FILTERS = [
    ("open", "Open (not finished)"),
    ("overdue", "Overdue"),
    *Task.Status.choices,
    ("all", "Any status"),
]
# Finished work (approved, done, cancelled) is shown by when it was finished: a
# queue is for work in hand, and the default keeps it to what is recent.
FINISHED_WINDOWS = [
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 12 months"),
    ("any", "Any time"),
]
DEFAULT_FINISHED_WINDOW = "30"
SORT_CHOICES = [
    ("due", "Due first"),
    ("priority", "Most urgent first"),
    ("created", "Newest first"),
    ("title", "Title (A to Z)"),
]


class TaskFilterForm(Styled, forms.Form):
    """The filters above a task table. Unknown values are ignored rather than
    refused: a bookmarked link from an older version still opens."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    finished = forms.ChoiceField(
        label="Finished work from",
        choices=FINISHED_WINDOWS,
        required=False,
    )
    function = forms.ChoiceField(
        label="Kind of work", choices=_function_choices("Any kind"), required=False
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=[("", "Any priority"), *Priority.choices],
        required=False,
    )
    assignee = forms.ChoiceField(
        label="Assigned to",
        choices=[("", "Anyone"), ("me", "Me"), ("none", "No one yet")],
        required=False,
    )
    firm = forms.ChoiceField(label="Firm", choices=[("", "All firms")], required=False)
    flagged = forms.BooleanField(label="Only flagged", required=False)
    sort = forms.ChoiceField(label="Order", choices=SORT_CHOICES, required=False)

    def __init__(self, data, *, firms=None, assignee=True, sorts=SORT_CHOICES):
        super().__init__(data)
        quick = {forms.TextInput: QuickTextInput, forms.CheckboxInput: QuickCheckbox}
        for field in self.fields.values():
            kind = type(field.widget)
            if kind is forms.Select:
                field.widget = QuickSelect(
                    attrs=field.widget.attrs, choices=field.widget.choices
                )
            elif kind in quick:
                widget = quick[kind](attrs=field.widget.attrs)
                widget.is_required = field.widget.is_required
                field.widget = widget
        self.fields["q"].widget.attrs["placeholder"] = "Title or matter number"
        self.fields["sort"].choices = sorts
        if firms is None:
            del self.fields["firm"]
        else:
            self.fields["firm"].choices = [
                ("", "All firms"),
                *((f.slug, f.name) for f in firms),
            ]
        if not assignee:
            del self.fields["assignee"]

    def params(self) -> dict:
        """The valid filters, with the defaults a page opens with."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        data.setdefault("status", "open")
        data.setdefault("finished", DEFAULT_FINISHED_WINDOW)
        data.setdefault("sort", "due")
        return data

    @property
    def is_filtered(self) -> bool:
        params = self.params()
        return any(
            v
            for k, v in params.items()
            if k not in ("status", "sort", "finished")
            or (k == "status" and v != "open")
            or (k == "finished" and v != DEFAULT_FINISHED_WINDOW)
        )


# --- Delegate --------------------------------------------------------------------


class DelegateForm(Styled, forms.Form):
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        help_text="A few words the team will see in their queue.",
    )
    function = forms.ChoiceField(label="Kind of work", choices=_function_choices())
    matter = forms.CharField(
        label="Matter number",
        required=False,
        max_length=50,
        help_text="Type the number or pick it from the list; leave empty for work "
        "not tied to a matter.",
    )
    team = forms.ChoiceField(label="Who does it")
    playbook = forms.ChoiceField(
        label="Playbook (the written procedure)",
        required=False,
        help_text="The steps and the checklist the work is done by.",
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, initial=Priority.NORMAL
    )
    review_required = forms.BooleanField(
        label="Needs attorney review before it is done", required=False, initial=True
    )
    instructions = forms.CharField(
        label="Instructions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the playbook does not say: names, dates, where things are. "
        "You can use Markdown: **bold**, lists starting with “-”.",
    )
    files = MultipleFileField(
        label="Attachments",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, text, images or e-mails; several "
        "at once.",
    )
    assignee = forms.ChoiceField(label="Give it to", required=False)

    def __init__(
        self,
        *args,
        tz,
        engagements,
        playbooks,
        people,
        leaves_firm=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["due_at"] = LocalDateTimeField(
            tz=tz,
            required=False,
            help_text="Leave empty to use the turnaround agreed with the team, "
            "counted in the firm's business hours.",
        )
        self.order_fields(
            [
                "title",
                "function",
                "matter",
                "team",
                "playbook",
                "priority",
                "due_at",
                "review_required",
                "instructions",
                "files",
                "assignee",
            ]
        )
        self.fields["matter"].widget.attrs.update(
            {"list": "matter-options", "autocomplete": "off"}
        )
        self.engagements = {str(e.public_id): e for e in engagements}
        self.fields["team"].choices = [
            *((key, f"{e.name} ({e.provider})") for key, e in self.engagements.items()),
            (IN_HOUSE, "In-house: someone of the firm"),
        ]
        self.playbooks = {str(p.public_id): p for p in playbooks}
        one_kind = len({p.function for p in playbooks}) == 1
        self.fields["playbook"].choices = [
            *([("", "Choose…")] if len(self.playbooks) != 1 else []),
            *(
                (
                    key,
                    p.current_version.title
                    if one_kind
                    else f"{p.current_version.title} ({p.get_function_display()})",
                )
                for key, p in self.playbooks.items()
            ),
            (NO_PLAYBOOK, "No playbook: the instructions say it all"),
        ]
        self.people = {str(u.public_id): (u, label) for u, label in people}
        self.fields["assignee"].choices = [
            ("", "Let FirmDesk choose: the first available person"),
            *((key, label) for key, (_, label) in self.people.items()),
        ]
        if leaves_firm:
            field = self.fields["review_required"]
            field.disabled = True
            field.initial = True
            field.help_text = (
                "Always on for this playbook: the result leaves the firm, so an "
                "attorney approves it first."
            )

        self.fields["team"].error_messages["invalid_choice"] = (
            "That team does not do this kind of work now. Choose another, or in-house."
        )
        self.fields["playbook"].error_messages["invalid_choice"] = (
            "That playbook is for another kind of work. Choose one of the list."
        )
        self.fields["assignee"].error_messages["invalid_choice"] = (
            "That person cannot be chosen here. Choose someone from the list."
        )

    def clean_team(self):
        value = self.cleaned_data["team"]
        return None if value == IN_HOUSE else self.engagements[value]

    def clean_playbook(self):
        """The chosen playbook, or ``NO_PLAYBOOK``. Left unchosen, the kind of
        work's only playbook (or none, when it has none); a kind with several
        needs a choice."""
        value = self.cleaned_data.get("playbook")
        if value == NO_PLAYBOOK:
            return NO_PLAYBOOK
        if value:
            return self.playbooks[value]
        function = self.cleaned_data.get("function")
        of_kind = [p for p in self.playbooks.values() if p.function == function]
        if not function or len(of_kind) == 1:
            return of_kind[0] if of_kind else None
        if not of_kind:
            return NO_PLAYBOOK
        raise forms.ValidationError(
            f"The firm has {len(of_kind)} playbooks for this kind of work. Choose "
            "the one the work follows, or “No playbook”."
        )

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee")
        return self.people[value][0] if value else None


# --- Actions on a task ------------------------------------------------------------


RESET_ALL = "all"
WITHOUT_FILE = "none"


class ReturnForm(Styled, forms.Form):
    """Why the work goes back, what to change, and which checklist items to
    redo (their ticks are removed; the rest stay ticked)."""

    reason = forms.ChoiceField(
        label="Why it goes back", choices=[("", "Choose…"), *Review.Reason.choices]
    )
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be specific, so it can be fixed in one go.",
    )
    reset_items = forms.MultipleChoiceField(
        label="Checklist items to redo",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their ticks are removed so they are checked again; the other "
        "items stay ticked.",
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reset_items"]
        field.choices = [
            *((str(i), text) for i, text in enumerate(checklist)),
            (RESET_ALL, "All of them: the whole checklist again"),
        ]
        field.error_messages["invalid_choice"] = (
            "That item is not on this task's checklist. Tick items of the list."
        )
        self.checklist_length = len(checklist)

    def clean_reset_items(self) -> set[int]:
        values = self.cleaned_data["reset_items"]
        if RESET_ALL in values:
            return set(range(self.checklist_length))
        return {int(v) for v in values}


class ApproveForm(Styled, forms.Form):
    """With files attached, the reviewer says which version they approve (or
    that the approval is not of a file): nothing is chosen for them."""

    approved_version = forms.ChoiceField(
        label="What you approve",
        required=False,
        widget=forms.RadioSelect,
        help_text="The version you read is recorded with your approval.",
    )
    comment = forms.CharField(
        label="Note to the assistant (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.public_id): v for v in versions}
        field = self.fields["approved_version"]
        if not self.versions:
            del self.fields["approved_version"]
            return
        field.required = True
        field.choices = [
            *(
                (key, f"Version {v.number} of {v.original_name}")
                for key, v in self.versions.items()
            ),
            (WITHOUT_FILE, "The work itself, none of the files"),
        ]
        field.error_messages["required"] = (
            "Choose the file version you approve, or “The work itself”."
        )
        field.error_messages["invalid_choice"] = (
            "That file version is no longer the current one. Choose one of the list."
        )

    def clean_approved_version(self):
        value = self.cleaned_data.get("approved_version")
        return self.versions.get(value) if value else None


class SubmitForm(Styled, forms.Form):
    note = forms.CharField(
        label="Note for the reviewer (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(Styled, forms.Form):
    reason = forms.CharField(label="Why it is cancelled", max_length=300)


class TimeForm(Styled, forms.Form):
    minutes = forms.IntegerField(label="Minutes spent", min_value=1, max_value=24 * 60)
    narrative = forms.CharField(
        label="What you did (optional)",
        required=False,
        max_length=500,
        help_text="Shown on the firm's time records; empty: the task's title.",
    )


class ReassignForm(Styled, forms.Form):
    assignee = forms.ChoiceField(label="Give it to")
    note = forms.CharField(
        label="Handover note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where things stand, so the next person can carry on.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.public_id): u for u, _ in people}
        self.fields["assignee"].choices = [
            ("", "Choose…"),
            *((str(u.public_id), label) for u, label in people),
        ]

    def clean_assignee(self):
        return self.people[self.cleaned_data["assignee"]]


class EditForm(Styled, forms.Form):
    title = forms.CharField(label="What needs doing", max_length=200)
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)
    instructions = forms.CharField(
        label="Instructions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown: **bold**, lists starting with “-”.",
    )

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_at"] = LocalDateTimeField(
            tz=tz,
            required=False,
            help_text="Empty: no due time.",
        )


class CommentForm(Styled, forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class FlagForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of flag", choices=[("", "Choose…"), *Flag.Kind.choices]
    )
    note = forms.CharField(
        label="What is it about",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachForm(Styled, forms.Form):
    file = forms.FileField(label="Add a file")
    new_version_of = forms.ChoiceField(
        label="It is",
        required=False,
        help_text="A corrected draft goes in as the next version of its file, so "
        "the reviewer approves the version they read.",
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(d.public_id): d for d in documents}
        if not self.documents:
            del self.fields["new_version_of"]
            return
        self.fields["new_version_of"].choices = [
            ("", "A new file"),
            *(
                (key, f"A new version of {d.current_version.original_name}")
                for key, d in self.documents.items()
                if d.current_version is not None
            ),
        ]
        self.fields["new_version_of"].error_messages["invalid_choice"] = (
            "That file is not attached to this task. Choose one of the list."
        )

    def clean_new_version_of(self):
        value = self.cleaned_data.get("new_version_of")
        return self.documents.get(value) if value else None


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class RecurrenceForm(Styled, forms.Form):
    title = forms.CharField(label="What needs doing", max_length=200)
    function = forms.ChoiceField(
        label="Kind of work", choices=[("", "Choose…"), *Function.choices]
    )
    matter = forms.CharField(
        label="Matter number (optional)",
        max_length=40,
        required=False,
        help_text="For work on one matter, such as M-2026-001.",
    )
    instructions = forms.CharField(
        label="Instructions", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, initial=Priority.NORMAL
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=[
            ("", "Choose…"),
            (Recurrence.Frequency.WEEKDAYS, "Every working day (Monday to Friday)"),
            (Recurrence.Frequency.WEEKLY, "Weekly, on a day of the week"),
            (Recurrence.Frequency.MONTHLY, "Monthly, on a day of the month"),
        ],
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week (weekly)",
        choices=[("", "Choose…"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    day_of_month = forms.IntegerField(
        label="Day of the month (monthly)",
        min_value=1,
        max_value=31,
        required=False,
        help_text="1 to 31. In shorter months, the last day of the month.",
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(
        label="Ends on (optional)",
        widget=DateInput,
        required=False,
        help_text="Leave empty to keep it coming back until someone stops it.",
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = matters
        self.fields["day_of_month"].error_messages.update(
            invalid="Type a day from 1 to 31.",
            min_value="Type a day from 1 to 31.",
            max_value="Type a day from 1 to 31.",
        )
        for name in ("starts_on", "ends_on"):
            self.fields[name].error_messages["invalid"] = (
                "Type a date such as 2026-03-31, or pick one from the calendar."
            )

    def clean_matter(self):
        number = self.cleaned_data["matter"].strip()
        if not number:
            return None
        matter = self.matters.filter(number__iexact=number).first()
        if matter is None:
            raise forms.ValidationError(
                f"No matter numbered “{number}” that you can see. Check the number "
                "on the matter list, or leave it empty."
            )
        return matter

    def clean(self):
        data = super().clean()
        frequency = data.get("frequency")
        if frequency == Recurrence.Frequency.WEEKLY and data.get("weekday") is None:
            self.add_error("weekday", "Choose the day of the week it comes back on.")
        if (
            frequency == Recurrence.Frequency.MONTHLY
            and data.get("day_of_month") is None
            and "day_of_month" not in self.errors
        ):
            self.add_error(
                "day_of_month", "Type the day of the month it comes back on (1 to 31)."
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                "The end date is before the start date. Choose a later date, or "
                "leave it empty.",
            )
        return data

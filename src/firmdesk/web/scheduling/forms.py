"""Forms of the scheduling pages: events, computed deadlines, feeds, import."""

from django import forms

from firmdesk.orgs.zones import zone_choices
from firmdesk.scheduling.models import Court, DeadlineRule, Event
from firmdesk.web.forms import DateInput, Styled

REMINDER_CHOICES = [
    ("10", "10 minutes before"),
    ("30", "30 minutes before"),
    ("60", "1 hour before"),
    ("120", "2 hours before"),
    ("1440", "1 day before"),
    ("2880", "2 days before"),
    ("10080", "1 week before"),
    ("20160", "2 weeks before"),
]


class WallDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class WallDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone: the form's zone field says which."""

    widget = WallDateTimeInput
    # The last two are what the error message below offers as the example.
    input_formats = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M",
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = (
            "Enter a date and a time, such as 03/16/2027 9:30 AM."
        )

    def to_python(self, value):
        value = super().to_python(value)
        # Django attaches the server's zone when USE_TZ is on; the wall time
        # is what the person typed, and the zone field says where.
        return value.replace(tzinfo=None) if value is not None else None


class EventForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="What is it?", choices=Event.Kind.choices)
    title = forms.CharField(label="Title", max_length=200)
    matter = forms.ChoiceField(label="Matter", required=False)
    court = forms.ModelChoiceField(
        queryset=Court.objects.filter(active=True),
        required=False,
        help_text="A court date, hearing or filing deadline takes the court's "
        "time zone.",
    )
    all_day = forms.BooleanField(label="All day", required=False)
    start = WallDateTimeField(label="Starts", required=False)
    end = WallDateTimeField(label="Ends", required=False)
    start_date = forms.DateField(label="Date", required=False, widget=DateInput)
    end_date = forms.DateField(
        label="Last day (if more than one)", required=False, widget=DateInput
    )
    time_zone = forms.ChoiceField(
        label="Time zone of these times",
        help_text="The zone the times above are in. Everyone sees the event in "
        "their own zone.",
    )
    location = forms.CharField(max_length=300, required=False)
    video_url = forms.URLField(
        label="Video link", required=False, assume_scheme="https"
    )
    owner = forms.ChoiceField(
        label="Responsible",
        help_text="Reminded, and told when the event or a deadline on it moves.",
    )
    attendees = forms.MultipleChoiceField(
        label="Attending (people)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.MultipleChoiceField(
        label="Attending (clients and other contacts)",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    reminders = forms.MultipleChoiceField(
        label="Remind",
        choices=REMINDER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_clash = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, matters, people, contacts, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", "No matter")] + [
            (str(m.public_id), f"{m.number} {m.title}") for m in matters
        ]
        self.fields["owner"].choices = [
            (str(u.public_id), label) for u, label in people
        ]
        self.fields["attendees"].choices = [
            (str(u.public_id), label) for u, label in people
        ]
        self.fields["contacts"].choices = [(str(c.public_id), c.name) for c in contacts]
        self.fields["time_zone"].choices = zone_choices(*zones)

    def clean(self):
        data = super().clean()
        if data.get("all_day"):
            if not data.get("start_date"):
                self.add_error("start_date", "Give the date.")
        elif not data.get("start"):
            self.add_error("start", "Give the date and time it starts.")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Event.Status.choices)
    revision = forms.IntegerField()
    confirm = forms.BooleanField(required=False)


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.citation}: {obj.name} ({obj.summary})"


class DeadlineForm(Styled, forms.Form):
    matter = forms.ChoiceField(label="Matter", required=False)
    court = forms.ModelChoiceField(
        queryset=Court.objects.filter(active=True),
        required=False,
        help_text="Its time zone, its state's holidays and its closure days "
        "count. Without a court: federal holidays in the firm's time zone.",
    )
    rule = RuleChoiceField(
        queryset=DeadlineRule.objects.filter(active=True),
        required=False,
        label="Rule",
        help_text="Or leave empty and fill in the period below.",
    )
    custom_offset = forms.IntegerField(
        label="Period set by a court order or local rule", min_value=1, required=False
    )
    custom_unit = forms.ChoiceField(
        label="Counted in", choices=DeadlineRule.Unit.choices, required=False
    )
    custom_direction = forms.ChoiceField(
        label="Direction", choices=DeadlineRule.Direction.choices, required=False
    )
    custom_citation = forms.CharField(
        label="Authority (order, local rule)", max_length=120, required=False
    )
    custom_extension = forms.BooleanField(
        label="Rule 6(d)'s 3 days apply after service by mail", required=False
    )
    trigger_date = forms.DateField(
        label="Trigger date", required=False, widget=DateInput
    )
    trigger_event = forms.ChoiceField(
        label="Or the event it counts from",
        required=False,
        help_text="When that event moves, this deadline moves with it and you "
        "are told.",
    )
    service = forms.ChoiceField(
        label="How the paper was served",
        choices=Event.Service.choices,
        initial=Event.Service.PERSONAL,
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="Defaults to the rule's name.",
    )
    owner = forms.ChoiceField(label="Responsible")

    def __init__(self, *args, matters, people, trigger_events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", "No matter")] + [
            (str(m.public_id), f"{m.number} {m.title}") for m in matters
        ]
        self.fields["owner"].choices = [
            (str(u.public_id), label) for u, label in people
        ]
        self.fields["trigger_event"].choices = [("", "None: use the date")] + [
            (str(e.public_id), label) for e, label in trigger_events
        ]

    def clean(self):
        data = super().clean()
        if not data.get("rule") and not data.get("custom_offset"):
            self.add_error(
                "rule",
                "Choose a rule, or give the period a court order or local rule set.",
            )
        if not data.get("trigger_date") and not data.get("trigger_event"):
            self.add_error(
                "trigger_date",
                "Give the trigger date, or choose the event the period counts from.",
            )
        return data

    def period(self) -> dict | None:
        data = self.cleaned_data
        if data.get("rule"):
            return None
        return {
            "offset": data["custom_offset"],
            "unit": data.get("custom_unit") or "days",
            "direction": data.get("custom_direction") or "after",
            "service_extension": bool(data.get("custom_extension")),
            "citation": data.get("custom_citation") or "Court order",
            "name": data.get("title") or "Deadline",
            "trigger": "",
        }


class TriggerForm(Styled, forms.Form):
    trigger_date = forms.DateField(label="New trigger date", widget=DateInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(Styled, forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Exported from Outlook, Google Calendar, Apple Calendar or a "
        "court's docketing system. Importing the same file again updates the "
        "events instead of adding copies.",
    )

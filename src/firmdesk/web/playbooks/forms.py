"""Forms of the playbook pages."""

from django import forms

from firmdesk.orgs.models import Function
from firmdesk.web.forms import Styled, text_area


class PlaybookForm(Styled, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    function = forms.ChoiceField(
        label="Kind of work",
        choices=[("", "Choose…"), *Function.choices],
        help_text="Outside staff see the playbooks of the kinds of work they do.",
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        required=False,
        help_text="One sentence: what this procedure is for.",
    )
    steps = forms.CharField(
        label="Steps",
        widget=text_area(10),
        help_text="In order, one per line starting “1.”, “2.”… Markdown works: "
        "**bold**, lists, links.",
    )
    definition_of_done = forms.CharField(
        label="Definition of done",
        widget=text_area(5),
        help_text="One item per line. Each becomes a tick box on every task that "
        "follows this playbook.",
    )
    common_mistakes = forms.CharField(
        label="Common mistakes", widget=text_area(4), required=False
    )
    templates = forms.CharField(
        label="Templates to use",
        widget=text_area(3),
        required=False,
        help_text="Names of, or links to, the document templates this work uses.",
    )
    examples = forms.CharField(label="Examples", widget=text_area(3), required=False)
    output_leaves_firm = forms.BooleanField(
        label="The result leaves the firm (a document, a letter, an invoice, a "
        "message to a client): an attorney always reviews it",
        required=False,
    )
    review_required = forms.BooleanField(
        label="An attorney reviews the work before it is done", required=False
    )
    turnaround_hours = forms.IntegerField(
        label="Turnaround (business hours)",
        min_value=1,
        max_value=2000,
        required=False,
        help_text="Used when the engagement sets no turnaround for this kind of "
        "work. Leave empty for none.",
    )
    change_note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Shown in the version history, so staff know what to re-read.",
    )
    is_active = forms.BooleanField(
        label="In use (new tasks of this kind follow it)", required=False
    )

    def __init__(self, *args, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["turnaround_hours"].error_messages.update(
            invalid="Type a whole number of hours, such as 8.",
            min_value="Type at least 1 hour, or leave it empty.",
        )
        if editing:
            del self.fields["function"]
        else:
            del self.fields["change_note"]
            del self.fields["is_active"]

    @staticmethod
    def initial_from(playbook) -> dict:
        version = playbook.current_version
        return {
            "title": version.title,
            "summary": version.summary,
            "steps": version.steps,
            "definition_of_done": "\n".join(version.definition_of_done),
            "common_mistakes": version.common_mistakes,
            "templates": version.templates,
            "examples": version.examples,
            "output_leaves_firm": version.output_leaves_firm,
            "review_required": version.review_required,
            "turnaround_hours": version.turnaround_hours,
            "is_active": playbook.is_active,
        }

    def clean_definition_of_done(self):
        items = [
            line.strip().lstrip("-*").strip()
            for line in self.cleaned_data["definition_of_done"].splitlines()
        ]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError(
                "Write at least one item, one per line: each becomes a tick box "
                "on the task."
            )
        return items

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)

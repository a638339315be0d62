"""Forms of the template and drafting pages."""

import datetime

from django import forms

from firmdesk.documents import drafting
from firmdesk.web.forms import DateInput, Styled, style_field


class TemplateUploadForm(Styled, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="As people will choose it: “Demand letter”, “Engagement letter”.",
    )
    description = forms.CharField(
        label="What it is for", max_length=300, required=False
    )
    file = forms.FileField(
        label="Word file (.docx)",
        help_text="Fields written {{ client_name }} or as Word MERGEFIELDs. The "
        "field list says which names FirmDesk fills in.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )


class TemplateReplaceForm(Styled, forms.Form):
    file = TemplateUploadForm.base_fields["file"]


NOT_A_QUESTION = ""


class QuestionsForm(Styled, forms.Form):
    """One question per field the records do not fill: its wording and the
    kind of answer; leaving the wording empty leaves the field undeclared
    (unknown), to be corrected in the template instead."""

    def __init__(self, *args, names: list[str], declared: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        by_name = {drafting.squash(q["name"]): q for q in declared}
        self.names = names
        for i, name in enumerate(names):
            question = by_name.get(drafting.squash(name), {})
            self.fields[f"label_{i}"] = forms.CharField(
                label=f"Question for “{name}”",
                max_length=200,
                required=False,
                initial=question.get("label", ""),
                help_text="What the person generating is asked. Leave empty if "
                "the field is a mistake you will correct in the template.",
            )
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=f"Kind of answer for “{name}”",
                choices=list(drafting.QUESTION_KINDS.items()),
                initial=question.get("kind", "text"),
            )
        for added in self.fields.values():
            style_field(added)

    def pairs(self):
        return [
            (name, self[f"label_{i}"], self[f"kind_{i}"])
            for i, name in enumerate(self.names)
        ]

    def questions(self) -> list[dict]:
        return [
            {
                "name": name,
                "label": self.cleaned_data[f"label_{i}"],
                "kind": self.cleaned_data[f"kind_{i}"],
            }
            for i, name in enumerate(self.names)
            if self.cleaned_data[f"label_{i}"].strip()
        ]


class GenerateForm(Styled, forms.Form):
    """The task that asked for the draft (none when generating again), then
    the template's questions. Blank answers are allowed: they are listed for
    the quality checks."""

    task = forms.ModelChoiceField(
        label="The task that asked for it (optional)",
        queryset=None,
        required=False,
        empty_label="No task",
        help_text="The draft is attached to that task.",
    )

    def __init__(
        self,
        *args,
        tasks,
        questions: list[drafting.Question],
        today: datetime.date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.questions = questions
        if tasks is None:
            del self.fields["task"]
        else:
            self.fields["task"].queryset = tasks
            self.fields["task"].label_from_instance = lambda t: t.title
        for question in questions:
            self.fields[f"q_{question.name}"] = self._answer_field(question)
        for added in self.fields.values():
            style_field(added)

    def _answer_field(self, question: drafting.Question) -> forms.Field:
        label = question.label
        if question.kind in ("date", "future_date"):
            return forms.DateField(
                label=label,
                required=False,
                widget=DateInput(),
                help_text=(
                    "A date after today." if question.kind == "future_date" else ""
                ),
            )
        if question.kind == "money":
            return forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                help_text="In dollars, such as 12500 or 12500.00.",
                error_messages={"invalid": "Write an amount, such as 12500.00."},
            )
        return forms.CharField(label=label, required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            value = cleaned.get(f"q_{question.name}")
            if question.kind == "future_date" and value and value <= self.today:
                self.add_error(
                    f"q_{question.name}",
                    f"Choose a date after today ({drafting.long_date(self.today)}).",
                )
        return cleaned

    def answers(self) -> dict:
        return {q.name: self.cleaned_data.get(f"q_{q.name}") for q in self.questions}

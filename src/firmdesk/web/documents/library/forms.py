"""Forms of the document library: the list's filters, uploads, submitting with
the quality checks' findings, and the review."""

from django import forms

from firmdesk.documents.models import Document
from firmdesk.documents.workflow import COMMENT_MAX, EXPLANATION_MAX
from firmdesk.web.forms import Styled, text_area

TITLE_MAX = Document._meta.get_field("title").max_length


class FilterForm(Styled, forms.Form):
    q = forms.CharField(label="Title", required=False, max_length=200)
    matter = forms.CharField(
        label="Matter", required=False, max_length=200, help_text="Number or title"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Document.Status.choices],
    )
    who = forms.ChoiceField(label="Uploaded by", required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.public_id): p for p in people}
        self.fields["who"].choices = [
            ("", "Anyone"),
            *((key, p.full_name or p.email) for key, p in self.people.items()),
        ]

    def params(self) -> dict:
        """The filters that are valid; one that is not is left out, so a stale
        link still shows a list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q", ""),
            "matter": data.get("matter", ""),
            "status": data.get("status", ""),
            "who": self.people.get(data.get("who", "")),
        }


class UploadForm(Styled, forms.Form):
    file = forms.FileField(label="File")
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=TITLE_MAX,
        help_text="Leave empty to use the file's name.",
    )


class VersionForm(Styled, forms.Form):
    file = forms.FileField(label="The new version")


class SubmitForm(Styled, forms.Form):
    """One explanation box per finding of the checks; ``version`` is the
    version the person checked."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        for finding in self.findings:
            self.fields[f"explain_{finding.key}"] = forms.CharField(
                label=finding.message,
                required=False,
                max_length=EXPLANATION_MAX,
                widget=text_area(2),
                help_text="Why it is right as it is (or fix it and upload "
                "a new version).",
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def explanations(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {f.key: data.get(f"explain_{f.key}", "") for f in self.findings}

    def explanation_fields(self):
        return [(f, self[f"explain_{f.key}"]) for f in self.findings]


class ReviewForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve this version"),
            ("return", "Return it to draft for changes"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX,
        widget=text_area(3),
        help_text="Needed when you return it: say what to change.",
    )

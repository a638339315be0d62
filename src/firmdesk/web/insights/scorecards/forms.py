"""Forms of the provider scorecard pages. The rules live in
insights.scorecards; the forms turn what was typed into values."""

from django import forms

from firmdesk.insights import scorecards
from firmdesk.orgs.models import Organization
from firmdesk.web.forms import Styled, style_field

WEIGHT_CHOICES = [
    (0, "0 — not counted"),
    (1, "1 — matters little"),
    (2, "2"),
    (3, "3 — matters"),
    (4, "4"),
    (5, "5 — matters most"),
]
SCORE_CHOICES = [
    ("", "Not scored yet"),
    (1, "1 — poor"),
    (2, "2 — weak"),
    (3, "3 — adequate"),
    (4, "4 — good"),
    (5, "5 — excellent"),
]


class ScorecardForm(Styled, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What you are choosing a provider for, such as “Intake support "
        "2026”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for info in scorecards.CRITERIA:
            self.fields[f"weight_{info.key}"] = forms.TypedChoiceField(
                label=f"Weight of “{info.label}”",
                choices=WEIGHT_CHOICES,
                coerce=int,
                initial=info.default_weight,
                help_text=info.asks,
            )
        for field in self.fields.values():
            style_field(field)
            style_choices(field)

    @classmethod
    def initial_from(cls, scorecard) -> dict:
        weights = scorecards.weights_of(scorecard)
        return {
            "title": scorecard.title,
            **{f"weight_{key}": value for key, value in weights.items()},
        }

    def weights(self) -> dict[str, int]:
        return {
            key: self.cleaned_data[f"weight_{key}"] for key in scorecards.CRITERION_KEYS
        }


def style_choices(field) -> None:
    """Plain words when a choice is not one of the list's."""
    if isinstance(field, forms.ChoiceField):
        field.error_messages["invalid_choice"] = "Choose one of the list."


class CandidateForm(Styled, forms.Form):
    name = forms.CharField(
        label="Candidate",
        max_length=200,
        help_text="The provider's name, as you will recognise it.",
    )
    provider = forms.ModelChoiceField(
        label="On FirmDesk as",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="Not on FirmDesk",
        help_text="When the provider uses FirmDesk, the page shows what FirmDesk "
        "holds about its staff: background checks, training, turnover.",
        error_messages={"invalid_choice": "Choose a provider from the list."},
    )

    def __init__(self, *args, weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organization.objects.filter(
            kind=Organization.Kind.PROVIDER
        ).order_by("name")
        self.weights = weights
        for info in scorecards.CRITERIA:
            self.fields[f"score_{info.key}"] = forms.TypedChoiceField(
                label=f"Score for “{info.label}”",
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=info.asks,
            )
            self.fields[f"note_{info.key}"] = forms.CharField(
                label=f"Note on “{info.label}”",
                max_length=500,
                required=False,
                help_text="What you found: a reference's words, a figure, a doubt.",
            )
        for field in self.fields.values():
            style_field(field)
            style_choices(field)

    @classmethod
    def initial_from(cls, candidate) -> dict:
        initial = {"name": candidate.name, "provider": candidate.provider_id}
        for key in scorecards.CRITERION_KEYS:
            initial[f"score_{key}"] = candidate.scores.get(key, "")
            initial[f"note_{key}"] = candidate.notes.get(key, "")
        return initial

    def criterion_rows(self) -> list[dict]:
        """Per criterion: its label, its weight, and its two fields."""
        return [
            {
                "info": info,
                "weight": self.weights.get(info.key, 0),
                "score": self[f"score_{info.key}"],
                "note": self[f"note_{info.key}"],
            }
            for info in scorecards.CRITERIA
        ]

    def data_for_service(self) -> scorecards.CandidateData:
        data = self.cleaned_data
        return scorecards.CandidateData(
            name=data["name"],
            provider=data["provider"],
            scores={key: data[f"score_{key}"] for key in scorecards.CRITERION_KEYS},
            notes={key: data[f"note_{key}"] for key in scorecards.CRITERION_KEYS},
        )

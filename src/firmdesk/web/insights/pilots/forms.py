"""The decision form of the pilot page."""

from django import forms

from firmdesk.insights.models import Recommendation
from firmdesk.web.forms import Styled, text_area


class DecisionForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        label="The firm's decision",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose go, adjust or stop."},
    )
    note = forms.CharField(
        label="Why, and what happens next",
        required=False,
        max_length=2000,
        widget=text_area(3),
        help_text="For adjust: what changes (price, staff, targets, a new "
        "evaluation date). For stop: when the engagement ends.",
    )

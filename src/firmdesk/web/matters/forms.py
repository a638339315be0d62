"""Forms of the matter, contact, conflict check and import pages."""

from django import forms

from firmdesk.conflicts.services import decision_note_problem
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.web.forms import DateInput, Styled


class ContactForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        choices=[("person", "Person"), ("organization", "Organisation")],
        label="Person or organisation",
    )
    name = forms.CharField(max_length=300, label="Name as written")
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Other names",
        help_text="One per line. Add the kind after a bar, for example "
        "“Margaret Jones | maiden” or “ACME | acronym”. Kinds: former, maiden, "
        "trade, acronym, predecessor, aka.",
    )
    emails = forms.CharField(
        required=False, label="E-mail addresses", help_text="Separate with commas."
    )
    phones = forms.CharField(
        required=False,
        label="Phone numbers",
        help_text="Separate with commas. Numbers without a country code are read "
        "as the firm's country.",
    )
    address = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Address"
    )
    is_prospective = forms.BooleanField(
        required=False,
        label="Prospective client (inquired, never retained the firm)",
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes"
    )

    def alias_list(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data.get("aliases", "").splitlines():
            name, _, kind = line.partition("|")
            if name.strip():
                out.append((name.strip(), kind.strip().lower() or "aka"))
        return out

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in (value or "").split(",") if v.strip()]


class RelationshipForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="This contact is", choices=())
    other = forms.ModelChoiceField(queryset=None, label="Of")

    def __init__(self, *args, kinds, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["other"].queryset = contacts


class ConflictCheckForm(Styled, forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Names to check",
        help_text="One per line: the prospective client, every adverse party, "
        "their counsel and related people or companies.",
    )
    purpose = forms.CharField(
        required=False,
        max_length=200,
        label="What is it for?",
        help_text="For example: new matter, Lopez v. Acme Logistics.",
    )

    def name_list(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["names"].splitlines() if n.strip()]


class DecisionForm(Styled, forms.Form):
    """An attorney's decision on a conflict check. Nothing is chosen until the
    attorney chooses; a waiver, and clearing a check that found matches, need
    a note (``conflicts.services.decision_note_problem``, which the service
    applies too). ``hits``: how many matches the check found."""

    decision = forms.ChoiceField(
        choices=[
            ("clear", "Clear — no conflict"),
            ("conflict", "Conflict — the firm cannot take this on"),
            ("waived", "Waived — conflict exists, clients gave informed consent"),
        ],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="Required for a waiver (who consented, when, and how it was "
        "confirmed in writing) and for clearing a check that found matches "
        "(why none of them is a conflict).",
    )

    def __init__(self, *args, hits: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.hits = hits
        self.fields["decision"].error_messages["required"] = (
            "Choose one: clear, conflict or waived."
        )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision:
            problem = decision_note_problem(
                decision, data.get("note", ""), hits=self.hits
            )
            if problem:
                self.add_error("note", problem)
        return data


class MatterOpenForm(Styled, forms.Form):
    title = forms.CharField(max_length=200, label="Matter title")
    practice_area = forms.CharField(max_length=80, required=False)
    responsible_attorney = forms.ModelChoiceField(queryset=None, required=False)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_facts = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, attorneys, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_attorney"].queryset = attorneys
        self.party_rows = []
        for index, (name, existing) in enumerate(parties):
            role = f"party_{index}_role"
            kind = f"party_{index}_kind"
            contact = f"party_{index}_contact"
            self.fields[role] = forms.ChoiceField(
                label=f"Role of “{name}”",
                required=False,
                initial="client" if index == 0 else "adverse",
                choices=[("", "Not a party"), *MatterParty.Role.choices],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[kind] = forms.ChoiceField(
                label="Person or organisation",
                choices=[("person", "Person"), ("organization", "Organisation")],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[contact] = forms.ChoiceField(
                label="Contact",
                required=False,
                choices=[("", f"New contact “{name}”"), *existing],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.party_rows.append((name, self[role], self[kind], self[contact]))

    def parties(self) -> list[dict]:
        out = []
        for index, (name, *_rest) in enumerate(self.party_rows):
            role = self.cleaned_data.get(f"party_{index}_role")
            if role:
                out.append(
                    {
                        "name": name,
                        "role": role,
                        "kind": self.cleaned_data[f"party_{index}_kind"],
                        "contact": self.cleaned_data.get(f"party_{index}_contact"),
                    }
                )
        return out


class ScreenForm(Styled, forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Wall off")
    reason = forms.CharField(max_length=200, label="Reason")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class ImportForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        choices=[("contacts", "Contacts"), ("matters", "Matters with their parties")],
        label="What the file holds",
    )
    layout = forms.ChoiceField(
        choices=[
            ("firmdesk", "FirmDesk layout"),
            ("clio", "Clio (import template or export)"),
            ("mycase", "MyCase export"),
            ("generic", "Other system (say which column is which below)"),
        ],
        label="Where the file comes from",
    )
    file = forms.FileField(label="CSV file")
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Column names (other systems only)",
        help_text="One per line, our column = your column, for example "
        "“name = Display Name”. See the import guide for our column names.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(
                "The file is larger than 50 MB. Split it, or ask an engineer to "
                "use “firmdesk import” on the server."
            )
        return upload

    def clean(self):
        data = super().clean()
        mapping = {}
        for line in (data.get("mapping") or "").splitlines():
            if not line.strip():
                continue
            ours, sep, theirs = line.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                self.add_error(
                    "mapping",
                    f"“{line.strip()}” should read: our column = your column.",
                )
                continue
            mapping[ours.strip()] = theirs.strip()
        if data.get("layout") == "generic" and not mapping and "mapping" in data:
            self.add_error(
                "mapping", "For another system, say which of your columns holds what."
            )
        data["mapping_dict"] = mapping
        return data


class MatterEditForm(Styled, forms.Form):
    title = forms.CharField(max_length=200, label="Matter title")
    practice_area = forms.CharField(max_length=80, required=False)
    responsible_attorney = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, attorneys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_attorney"].queryset = attorneys


class PartyForm(Styled, forms.Form):
    name = forms.CharField(
        max_length=300,
        label="Name as written",
        help_text="The name is searched against every contact of the firm, as "
        "when a matter opens.",
    )
    kind = forms.ChoiceField(
        choices=Contact.Kind.choices, label="Person or organisation"
    )
    role = forms.ChoiceField(choices=MatterParty.Role.choices, label="Role")


class ConsentForm(Styled, forms.Form):
    given_on = forms.DateField(widget=DateInput, label="Date the client consented")
    how = forms.CharField(
        max_length=300,
        label="How it was given",
        help_text="For example: engagement letter signed, or e-mail from the "
        "client on file.",
    )


class ClientConsentForm(Styled, forms.Form):
    """Consent for every open matter of a client: the date, how it was given
    and a note, written on each matter as one line ("how")."""

    HOW = [
        ("Signed engagement letter", "Signed engagement letter"),
        ("E-mail from the client", "E-mail from the client"),
        ("Signed consent form", "Signed consent form"),
        ("Letter from the client", "Letter from the client"),
        ("Told us in person or by phone", "Told us in person or by phone"),
        ("Other", "Other (say how in the note)"),
    ]

    given_on = forms.DateField(widget=DateInput, label="Date the client consented")
    method = forms.ChoiceField(choices=HOW, label="How it was given")
    note = forms.CharField(
        max_length=250,
        required=False,
        label="Note",
        help_text="Where the record is kept, or who spoke to the client. For "
        "example: letter of 3 March, in the client file.",
    )

    def clean(self):
        """What the consent services take: the date and one line of how."""
        data = super().clean()
        method, note = data.get("method"), " ".join(data.get("note", "").split())
        if method == "Other" and not note:
            self.add_error("note", "Say how the client consented.")
        how = f"{method}: {note}" if method and note else method or ""
        return {"given_on": data.get("given_on"), "how": how}


class ConsentWithdrawForm(Styled, forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="How the client withdrew consent",
        help_text="For example: phone call with the client on 4 May. Outside "
        "staff lose access to the matter at once.",
    )

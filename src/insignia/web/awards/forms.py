"""Forms of the awards app: award a badge, revoke an award, claim with a new account."""

from __future__ import annotations

from django import forms


class AwardForm(forms.Form):
    """Award a badge to one person."""

    recipient_email = forms.EmailField(
        label="Recipient’s email", help_text="We email them a link to accept the badge."
    )
    recipient_name = forms.CharField(
        label="Recipient’s name",
        required=False,
        max_length=150,
        help_text="Optional; only shown to your team.",
    )
    evidence_url = forms.URLField(
        label="Evidence URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Optional link to the work behind the award.",
    )
    evidence_narrative = forms.CharField(
        label="Evidence description",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what the learner did. It becomes part of the signed badge.",
    )
    result = forms.CharField(
        label="Result",
        required=False,
        max_length=100,
        help_text="Optional grade, score or level, e.g. “Distinction”.",
    )
    confirm = forms.BooleanField(
        label="I confirm this person met the criteria.",
        error_messages={"required": "Confirm that the person met the criteria."},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="Shown to anyone who checks the badge, and kept in the audit trail.",
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="Shown to anyone who checks the badge while it is suspended.",
    )


class CorrectForm(forms.Form):
    """Re-issue with corrected data (the old award is revoked in the same step)."""

    recipient_name = forms.CharField(label="Recipient’s name", required=False, max_length=150)
    evidence_url = forms.URLField(
        label="Evidence URL", required=False, max_length=500, assume_scheme="https"
    )
    evidence_narrative = forms.CharField(
        label="Evidence description",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result = forms.CharField(label="Result", required=False, max_length=100)
    reason = forms.CharField(
        label="What was wrong", max_length=500, help_text="Kept in the audit trail."
    )


class RevokeSelectionForm(forms.Form):
    credentials = forms.MultipleChoiceField(
        label="Awards to revoke", widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="Reason", max_length=500, help_text="Shown to anyone who checks these badges."
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["credentials"].choices = choices  # type: ignore[attr-defined]

"""The form to create an API token (validation only; the service writes)."""

from __future__ import annotations

from django import forms

from insignia.web.api.scopes import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, e.g. “Moodle integration”.",
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=[(s.value, f"{s.value} — {s.label}") for s in Scope],
        widget=forms.CheckboxSelectMultiple,
        help_text="Give the token only what it needs.",
    )
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The token stops working at the start of this day (UTC).",
    )

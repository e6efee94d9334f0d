"""Forms of the issuers app: validation of input only (writes happen in services)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from insignia.web.issuers.models import ROLE_HELP, Role


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As it should appear on every badge you issue.",
    )
    url = forms.URLField(
        label="Website",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.edu"}),
    )
    email = forms.EmailField(
        label="Contact email", help_text="Shown publicly so that people can ask about your badges."
    )
    description = forms.CharField(
        label="About",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences for your public issuer page.",
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG or SVG, up to 2 MB. A square image works best.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )


class OrganisationEditForm(OrganisationForm):
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    linkedin_organization_id = forms.CharField(
        label="LinkedIn organisation id",
        required=False,
        max_length=300,
        help_text="The number in your LinkedIn page’s admin address "
        "(linkedin.com/company/12345678/admin): paste the address or the number. With it, "
        "learners’ “Add to profile” shows your logo and links your page; without it LinkedIn "
        "only shows your name as text.",
    )

    def clean_linkedin_organization_id(self) -> str:
        value = str(self.cleaned_data.get("linkedin_organization_id") or "").strip()
        if not value:
            return ""
        found = re.search(r"linkedin\.com/company/(\d+)", value)
        number = found.group(1) if found else value
        if not number.isdigit() or len(number) > 20:
            raise forms.ValidationError(
                "Enter the number of your LinkedIn page (from its admin address, "
                "linkedin.com/company/12345678/admin); a page name such as "
                "“northbridge-university” is not the id."
            )
        return number


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, f"{role.label} — {ROLE_HELP[role]}") for role in Role]


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="The address they use to sign in to Insignia."
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Clear every role to remove the person from the team.",
    )


class KeyCompromiseForm(forms.Form):
    """Mark a signing key compromised from a given time (UTC)."""

    key = forms.TypedChoiceField(label="Key", coerce=str)
    compromised_after = forms.DateTimeField(
        label="Compromised from (UTC)",
        help_text="Badges this key signed from this moment on fail verification; earlier ones "
        "still verify. Use the earliest time the key could have been exposed.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone.",
        error_messages={"required": "Confirm that you understand this cannot be undone."},
    )

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys  # type: ignore[attr-defined]

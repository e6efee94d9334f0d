"""Forms of the talent app: validation of input only."""

from __future__ import annotations

from typing import Any

from django import forms

from insignia.web.issuers.models import Organisation
from insignia.web.wallet.models import WalletItem


class ProfileForm(forms.Form):
    is_discoverable = forms.BooleanField(
        label="Let employers find me by the badges I choose below",
        required=False,
    )
    badges = forms.ModelMultipleChoiceField(
        label="Badges employers may find me by",
        queryset=WalletItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Revoked and expired badges never count.",
    )
    show_name = forms.BooleanField(label="Show my name", required=False)
    show_location = forms.BooleanField(label="Show my location", required=False)
    location = forms.CharField(label="Location", max_length=120, required=False)
    show_contact = forms.BooleanField(
        label="Show my email address",
        required=False,
        help_text="Otherwise employers write through Insignia; your address stays private "
        "until you answer.",
    )
    headline = forms.CharField(label="Headline", max_length=160, required=False)

    def __init__(self, *args: Any, items: list[WalletItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["badges"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = WalletItem.objects.filter(pk__in=[i.pk for i in items])
        names = {
            i.pk: f"{i.credential.version.name} — {i.credential.organisation.name}" for i in items
        }
        field.label_from_instance = lambda item: names.get(item.pk, str(item))  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_discoverable") and not data.get("badges"):
            raise forms.ValidationError("Choose at least one badge employers may find you by.")
        return data


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.replace(";", ",").split(",") if t.strip())[:10]


class SearchForm(forms.Form):
    all_skills = forms.CharField(
        label="All of these skills",
        required=False,
        max_length=500,
        help_text="Separate skills with commas, e.g. Python, data analysis.",
    )
    any_skills = forms.CharField(label="Any of these skills", required=False, max_length=500)
    issuers = forms.ModelMultipleChoiceField(
        label="From these issuers",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        to_field_name="pk",
        help_text="None chosen: any issuer.",
    )
    earned_after = forms.DateField(
        label="Earned after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["all_terms"] = _terms(data.get("all_skills") or "")
        data["any_terms"] = _terms(data.get("any_skills") or "")
        return data

    @property
    def has_terms(self) -> bool:
        return bool(self.cleaned_data.get("all_terms") or self.cleaned_data.get("any_terms"))


class ContactForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=150)
    message = forms.CharField(
        label="Message", max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )


class SkillGroupForm(forms.Form):
    name = forms.CharField(label="Name shown to recruiters", max_length=200)
    aliases = forms.CharField(
        label="Wordings that mean this skill",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One per line, as issuers write them (case and accents do not matter), or "
        "framework:code. A wording listed under another skill moves here.",
    )

    def clean_aliases(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["aliases"].splitlines()]
        found = [line for line in lines if line]
        if len(found) > 200:
            raise forms.ValidationError("At most 200 wordings per skill.")
        return found


class SkillMergeForm(forms.Form):
    into = forms.CharField(
        label="Merge into the skill",
        max_length=200,
        help_text="Its name or one of its wordings. This skill's wordings and badges then count "
        "as that skill.",
    )


class SkillFilterForm(forms.Form):
    q = forms.CharField(label="Name or wording", max_length=200, required=False)

"""Forms of the LTI app: validation of input only (writes happen in services)."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from insignia.web.lti.models import CompletionRule
from insignia.web.lti.services import PlatformData


class PlatformForm(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="For you, e.g. “Moodle (main campus)”.", label="Name"
    )
    issuer = forms.CharField(
        label="Platform ID (issuer)",
        max_length=255,
        help_text="Moodle: the site URL; Canvas: https://canvas.instructure.com.",
    )
    client_id = forms.CharField(label="Client ID", max_length=255)
    deployment_ids = forms.CharField(
        label="Deployment IDs",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    auth_login_url = forms.URLField(
        label="Authentication request URL", max_length=500, assume_scheme="https"
    )
    access_token_url = forms.URLField(
        label="Access token URL", max_length=500, assume_scheme="https"
    )
    auth_audience = forms.CharField(
        label="Token audience",
        max_length=500,
        required=False,
        help_text="Only if the platform asks for one other than the access token URL.",
    )
    key_set_url = forms.URLField(
        label="Public keyset URL", max_length=500, required=False, assume_scheme="https"
    )
    key_set = forms.CharField(
        label="Or paste the platform's public keys (JWK Set)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='JSON: {"keys": [...]}.',
    )

    def clean_deployment_ids(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["deployment_ids"].splitlines()]
        ids = [line for line in lines if line]
        if not ids:
            raise forms.ValidationError("Give at least one deployment id.")
        if any(len(item) > 255 for item in ids):
            raise forms.ValidationError("A deployment id is at most 255 characters.")
        return ids

    def clean_key_set(self) -> dict[str, Any] | None:
        text = self.cleaned_data["key_set"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("This is not JSON.") from None
        keys = value.get("keys") if isinstance(value, dict) else None
        if not isinstance(keys, list) or not keys:
            raise forms.ValidationError('A JWK Set is an object with a "keys" list.')
        for key in keys:
            if not isinstance(key, dict) or key.get("kty") != "RSA" or not key.get("kid"):
                raise forms.ValidationError("Every key must be an RSA key with a kid.")
        return {"keys": keys}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key_set_url") and not data.get("key_set") and not self.errors:
            raise forms.ValidationError("Give the key set URL or paste the public keys.")
        return data

    def platform_data(self) -> PlatformData:
        d = self.cleaned_data
        return PlatformData(
            name=d["name"],
            issuer=d["issuer"].strip(),
            client_id=d["client_id"].strip(),
            deployment_ids=tuple(d["deployment_ids"]),
            auth_login_url=d["auth_login_url"],
            access_token_url=d["access_token_url"],
            auth_audience=d["auth_audience"].strip(),
            key_set_url=d["key_set_url"],
            key_set=d["key_set"],
        )


class LinkForm(forms.Form):
    """What an instructor chooses for an activity."""

    badge = forms.ChoiceField(label="Badge")
    rule = forms.ChoiceField(
        label="Completion rule", choices=CompletionRule.choices, widget=forms.RadioSelect
    )
    threshold = forms.IntegerField(
        label="Threshold (percent)",
        min_value=0,
        max_value=100,
        initial=70,
        help_text="For the score rule: the learner's score as a percentage of the maximum.",
    )

    def __init__(self, *args: Any, badges: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["badge"].choices = badges  # type: ignore[attr-defined]

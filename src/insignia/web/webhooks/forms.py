"""Forms of the webhooks app: input only (the services check URLs and events)."""

from __future__ import annotations

from django import forms

from insignia.web.webhooks.models import EventType


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=500,
        assume_scheme="https",
        help_text="An https address of your system that accepts POST requests with JSON.",
        widget=forms.URLInput(attrs={"placeholder": "https://hr.example.edu/insignia-webhook"}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=200,
        help_text="For your team: what this endpoint feeds.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(e.value, f"{e.label} ({e.value})") for e in EventType],
        widget=forms.CheckboxSelectMultiple,
    )


class SubscriptionEditForm(SubscriptionForm):
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Switched off, the endpoint receives nothing (test events still go out).",
    )

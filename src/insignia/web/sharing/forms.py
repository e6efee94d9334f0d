"""Forms of the sharing app: validation of input only (writes happen in services)."""

from __future__ import annotations

from django import forms


class MarketingForm(forms.Form):
    learn_more_url = forms.URLField(
        label="Learn more / enrol link",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.edu/courses/…"}),
        help_text="Public badge pages show “Learn more about this programme” leading here. "
        "Each link is tagged with utm_source (the channel the visitor came through), "
        "utm_medium, utm_campaign (the badge) and utm_content, so your own web analytics see "
        "what learners’ shares bring. Leave empty to show no link.",
    )


class ProfileForm(forms.Form):
    is_public = forms.BooleanField(
        label="Show my public badges on a profile page",
        required=False,
        help_text="Only badges you made public appear, newest first. Private badges never do.",
    )
    headline = forms.CharField(
        label="Headline",
        required=False,
        max_length=120,
        help_text="Optional, shown under your name: for example “Data analyst, Leeds”.",
    )

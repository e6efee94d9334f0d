"""The deletion confirmation: the password again, and an explicit tick."""

from __future__ import annotations

from django import forms


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my account and data are deleted for good.", required=True
    )

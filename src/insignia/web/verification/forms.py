"""Forms of the verification app: validation of input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from insignia.web.verification.services import Given

#: The largest badge accepted (baked images are small; this leaves room for big artwork).
MAX_BADGE_BYTES = 5 * 1024 * 1024
#: A résumé: this many badges at most, this many bytes in all.
MAX_RESUME_BADGES = 20
MAX_RESUME_BYTES = 20 * 1024 * 1024
#: What a request may carry beyond the badge (form fields, multipart boundaries).
OVERHEAD_BYTES = 64 * 1024

_ACCEPT = "image/png,image/svg+xml,.json,.jsonld,.jwt,.txt,application/json"


def _looks_like_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


def _read(file: UploadedFile[Any]) -> bytes:
    return bytes(file.read(MAX_BADGE_BYTES + 1))


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="Badge file",
        required=False,
        help_text="A baked badge (PNG or SVG) or a credential file (JSON or JWT), 5 MB at most.",
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
    text = forms.CharField(
        label="Or paste the badge, or its web address",
        required=False,
        max_length=MAX_BADGE_BYTES,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Credential JSON, a JWT, or an https:// address where the badge is published.",
    )
    email = forms.EmailField(
        label="Recipient's email address (optional)",
        required=False,
        help_text="Checked against the badge's recipient, which is usually hashed.",
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file is not None and file.size is not None and file.size > MAX_BADGE_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: that is not a badge.")
        return file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file, or paste a badge or its web address.")
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError("Give either a file or pasted text, not both.")
        return data

    def given(self) -> Given:
        file = self.cleaned_data.get("file")
        if file is not None:
            return Given("file", _read(file), file.name or "")
        text = self.cleaned_data["text"].strip()
        return Given("url" if _looks_like_url(text) else "text", text.encode("utf-8"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ResumeForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label="Badge files",
        required=False,
        help_text=f"Choose up to {MAX_RESUME_BADGES} baked images or credential files at once.",
    )
    text = forms.CharField(
        label="Or paste web addresses, one per line",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=(
            "Addresses of badges, or of a learner's public profile on this site "
            "(every badge on it is checked)."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        files = data.get("files") or []
        lines = [line.strip() for line in (data.get("text") or "").splitlines() if line.strip()]
        if not files and not lines:
            raise forms.ValidationError("Choose badge files, or paste their web addresses.")
        if len(files) + len(lines) > MAX_RESUME_BADGES:
            raise forms.ValidationError(f"Check {MAX_RESUME_BADGES} badges at most at once.")
        for file in files:
            if file.size is not None and file.size > MAX_BADGE_BYTES:
                raise forms.ValidationError(
                    f"{file.name} is larger than 5 MB: that is not a badge."
                )
        bad = [line for line in lines if not _looks_like_url(line)]
        if bad:
            raise forms.ValidationError(
                f"“{bad[0][:80]}” is not a web address; paste one https:// address per line."
            )
        data["lines"] = lines
        return data

    def given(self) -> tuple[list[Given], list[str]]:
        """The files as badges, and the addresses (badges or profiles) still to resolve."""
        files = [Given("file", _read(f), f.name or "") for f in self.cleaned_data["files"]]
        return files, list(self.cleaned_data["lines"])


class RecipientForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)

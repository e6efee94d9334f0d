"""Forms of the wallet app: validation of input only (writes happen in services)."""

from __future__ import annotations

from typing import Any

from django import forms

#: Largest badge file accepted (baked images are small; this leaves room for big artwork).
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Badge file",
        required=False,
        help_text="A baked badge image (PNG or SVG), or a credential file (JSON or JWT).",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/svg+xml,.json,.jsonld,.jwt,.txt,application/json"}
        ),
    )
    text = forms.CharField(
        label="Or paste the badge, or its web address",
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="Credential JSON, a JWT, or an https:// address where the badge is published.",
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file is not None and file.size is not None and file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file, or paste a badge or its web address.")
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError("Give either a file or pasted text, not both.")
        return data

    def source(self) -> dict[str, Any]:
        """The keyword arguments of ``imported_credential_create`` for what was given."""
        file = self.cleaned_data.get("file")
        if file is not None:
            return {"data": file.read(MAX_IMPORT_BYTES + 1), "filename": file.name or ""}
        text = self.cleaned_data["text"].strip()
        if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
            return {"url": text}
        return {"data": text.encode("utf-8")}

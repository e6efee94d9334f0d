"""Forms of bulk issuance: upload a file, map its columns, confirm."""

from __future__ import annotations

from typing import Any

from django import forms

from insignia.web.bulk.models import FIELDS
from insignia.web.bulk.parsing import MAX_FILE_BYTES, MAX_ROWS


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Recipients file",
        help_text=(
            f"CSV (UTF-8) or XLSX, up to {MAX_FILE_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows. A header row, then one row per recipient: email (required), "
            "name, evidence URL, evidence narrative, result, issue date (YYYY-MM-DD)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class MappingForm(forms.Form):
    """One select per field, offering the file's columns."""

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —")] + [
            (str(i), f"Column {i + 1}: {h or '(no heading)'}") for i, h in enumerate(headers)
        ]
        for field, label in FIELDS:
            self.fields[field] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                required=field == "email",
                coerce=int,
                empty_value=None,
                initial=str(initial_mapping[field]) if field in initial_mapping else "",
            )


class StartForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm these people met the criteria.",
        error_messages={"required": "Confirm that these people met the criteria."},
    )

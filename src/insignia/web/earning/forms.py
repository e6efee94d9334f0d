"""Forms of the earning app: validation of what was typed (writes happen in services)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings

from insignia.web.earning.models import (
    FILE_TYPES,
    AccessPolicy,
    EvidenceKind,
    Review,
    Rubric,
)
from insignia.web.earning.selectors import EvidenceRow

LEVEL_SLOTS = 4


def field_name(requirement_id: uuid.UUID) -> str:
    """The form field of a requirement (``r_<hex>``)."""
    return f"r_{requirement_id.hex}"


# --- the designer -------------------------------------------------------------------------


class RequirementForm(forms.Form):
    """One evidence item the learner must (or may) provide."""

    prompt = forms.CharField(label="What the learner provides", max_length=300, required=False)
    guidance = forms.CharField(
        label="Guidance",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what good evidence looks like.",
    )
    kind = forms.ChoiceField(label="Kind", choices=EvidenceKind.choices, initial=EvidenceKind.TEXT)
    required = forms.BooleanField(label="Required", required=False, initial=True)
    min_length = forms.IntegerField(
        label="Minimum length (characters)",
        required=False,
        min_value=1,
        max_value=20_000,
        help_text="Written answers only.",
    )
    file_types = forms.MultipleChoiceField(
        label="Accepted file types",
        required=False,
        choices=list(FILE_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="File uploads only; checked by content, not by name.",
    )
    max_mb = forms.IntegerField(
        label="Size limit (MB)",
        required=False,
        min_value=1,
        max_value=max(1, settings.INSIGNIA_MAX_EVIDENCE_BYTES // 1_048_576),
        help_text="File uploads only.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == EvidenceKind.FILE
            and data.get("prompt")
            and not data.get("file_types")
        ):
            self.add_error("file_types", "Choose at least one file type.")
        return data


RequirementFormSet = forms.formset_factory(RequirementForm, extra=2, max_num=20, absolute_max=20)


class RubricForm(forms.Form):
    """How applications are judged."""

    has_rubric = forms.BooleanField(
        label="Applications are judged with this rubric", required=False, initial=True
    )
    kind = forms.ChoiceField(
        label="Kind of rubric",
        choices=Rubric.Kind.choices,
        widget=forms.RadioSelect,
        initial=Rubric.Kind.POINTS,
    )
    name = forms.CharField(
        label="Rubric name",
        max_length=200,
        required=False,
        help_text="Names the learner's result in the credential, e.g. “Practical assessment”.",
    )
    description = forms.CharField(
        label="How the work is judged",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pass_mark = forms.IntegerField(
        label="Pass mark (points)",
        required=False,
        min_value=1,
        help_text="Criteria with levels only; a checklist passes when every item is met.",
    )


class CriterionForm(forms.Form):
    """One criterion, with up to four levels from the lowest to the highest."""

    name = forms.CharField(label="Criterion", max_length=200, required=False)
    description = forms.CharField(
        label="What the assessor looks for",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    must_reach = forms.ChoiceField(
        label="Must pass",
        required=False,
        choices=[("", "No"), *[(str(i), f"At least level {i + 1}") for i in range(LEVEL_SLOTS)]],
        help_text="A learner below this level fails, whatever their total.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(LEVEL_SLOTS):
            self.fields[f"level_{i}_name"] = forms.CharField(
                label=f"Level {i + 1} name", max_length=100, required=False
            )
            self.fields[f"level_{i}_points"] = forms.IntegerField(
                label=f"Level {i + 1} points", required=False, min_value=0, max_value=1000
            )
            self.fields[f"level_{i}_description"] = forms.CharField(
                label=f"Level {i + 1} descriptor",
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def level_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"level_{i}_{part}"] for part in ("name", "points", "description")]
            for i in range(LEVEL_SLOTS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(LEVEL_SLOTS):
            if data.get(f"level_{i}_name") and data.get(f"level_{i}_points") is None:
                self.add_error(f"level_{i}_points", "Give the level's points.")
        return data


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20, absolute_max=20)


# --- who may apply ------------------------------------------------------------------------


class AccessPolicyForm(forms.Form):
    mode = forms.ChoiceField(
        label="Who may apply", choices=AccessPolicy.Mode.choices, widget=forms.RadioSelect
    )
    reviews_required = forms.TypedChoiceField(
        label="Assessors per decision",
        choices=[(1, "One assessor decides"), (2, "Two assessors must agree (second review)")],
        coerce=int,
        widget=forms.RadioSelect,
        initial=1,
    )


class InviteCodeForm(forms.Form):
    label = forms.CharField(
        label="Label", max_length=100, required=False, help_text="For you, e.g. “Spring cohort”."
    )
    max_uses = forms.IntegerField(
        label="Maximum uses", required=False, min_value=1, help_text="Empty: unlimited."
    )


class EmailListForm(forms.Form):
    emails = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line (or separated by commas). A learner applies with any of "
        "their verified addresses.",
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").replace(";", "\n").split()
        bad = []
        field = forms.EmailField()
        for item in raw:
            try:
                field.clean(item)
            except forms.ValidationError:
                bad.append(item)
        if bad:
            raise forms.ValidationError(f"Not email addresses: {', '.join(bad[:5])}")
        return [str(item) for item in raw]


# --- learners -----------------------------------------------------------------------------


class ApplyForm(forms.Form):
    code = forms.CharField(label="Invite code", max_length=32, required=False)


class EvidenceForm(forms.Form):
    """One field per requirement of the application's version (drafts may be partial)."""

    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rows: list[EvidenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            r, name = row.requirement, field_name(row.requirement.pk)
            help_text = r.guidance
            if r.kind == EvidenceKind.TEXT:
                if r.min_length:
                    help_text = f"{help_text} At least {r.min_length} characters.".strip()
                self.fields[name] = forms.CharField(
                    label=r.prompt,
                    required=False,
                    max_length=20_000,
                    strip=True,
                    widget=forms.Textarea(attrs={"rows": 6}),
                    initial=row.item.text if row.item else "",
                )
            elif r.kind == EvidenceKind.URL:
                self.fields[name] = forms.URLField(
                    label=r.prompt,
                    required=False,
                    max_length=500,
                    assume_scheme="https",
                    initial=row.item.url if row.item else "",
                )
            elif r.kind == EvidenceKind.ATTESTATION:
                self.fields[name] = forms.BooleanField(
                    label=r.prompt, required=False, initial=bool(row.item and row.item.attested)
                )
            else:
                limit = r.max_bytes or settings.INSIGNIA_MAX_EVIDENCE_BYTES
                types = r.file_types_label
                help_text = f"{help_text} {types}; up to {limit // 1_048_576 or 1} MB.".strip()
                self.fields[name] = forms.FileField(label=r.prompt, required=False)
                if row.item and row.item.file_path:
                    self.fields[f"{name}_remove"] = forms.BooleanField(
                        label=f"Remove {row.item.file_name}", required=False
                    )
            self.fields[name].help_text = help_text

    def requirement_fields(self) -> list[tuple[EvidenceRow, forms.BoundField, Any]]:
        out = []
        for row in self.rows:
            name = field_name(row.requirement.pk)
            remove = self[f"{name}_remove"] if f"{name}_remove" in self.fields else None
            out.append((row, self[name], remove))
        return out


# --- assessors ----------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """Scores per criterion, a decision and feedback, and the state the assessor saw."""

    decision = forms.ChoiceField(
        label="Decision", choices=Review.Decision.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label="Feedback to the learner",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required when returning or rejecting: what to change, or why.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rubric: Rubric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.criteria = list(rubric.criteria.all())
        for c in self.criteria:
            self.fields[f"c_{c.pk.hex}"] = forms.ChoiceField(
                label=c.name,
                required=False,
                choices=[
                    (str(lv.pk), f"{lv.name} ({lv.points} point{'s' if lv.points != 1 else ''})")
                    for lv in c.levels.all()
                ],
                widget=forms.RadioSelect,
                help_text=c.description,
            )
            self.fields[f"c_{c.pk.hex}_feedback"] = forms.CharField(
                label=f"Feedback on “{c.name}”",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_fields(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"c_{c.pk.hex}"], self[f"c_{c.pk.hex}_feedback"]) for c in self.criteria]

    def scores(self) -> list[tuple[uuid.UUID, uuid.UUID | None, str]]:
        d = self.cleaned_data
        return [
            (
                c.pk,
                uuid.UUID(d[f"c_{c.pk.hex}"]) if d.get(f"c_{c.pk.hex}") else None,
                d.get(f"c_{c.pk.hex}_feedback", ""),
            )
            for c in self.criteria
        ]


class RowVersionForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class ConflictForm(forms.Form):
    reason = forms.CharField(label="Why (recorded for the owners)", max_length=300, required=False)


AGES = [
    ("", "Any age"),
    ("1", "Waiting over 1 day"),
    ("3", "Over 3 days"),
    ("7", "Over a week"),
    ("14", "Over two weeks"),
]


class QueueFilterForm(forms.Form):
    badge = forms.ChoiceField(label="Badge", required=False)
    age = forms.ChoiceField(label="Waiting", required=False, choices=AGES)
    mine = forms.BooleanField(label="Only those I am reviewing", required=False)

    def __init__(self, *args: Any, badges: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["badge"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All badges")] + [
            (str(b.pk), b.current_version.name if b.current_version else str(b.pk)) for b in badges
        ]

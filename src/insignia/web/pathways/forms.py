"""Forms of the pathway builder (validation of what was typed; writes happen in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from insignia.web.achievements.models import Achievement
from insignia.web.pathways.models import Pathway, Requirement


class BadgeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        version = obj.current_version
        return f"{version.name if version else obj.pk} — {obj.organisation.name}"


class PathwayForm(forms.Form):
    name = forms.CharField(max_length=200)
    goal = BadgeChoice(
        queryset=Achievement.objects.none(),
        label="Goal badge",
        help_text="One of your published badges: awarded when the requirements are met.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    is_public = forms.BooleanField(
        required=False,
        label="Show a public page for this pathway",
        help_text="For marketing: anyone can see the requirements and how to earn them.",
    )
    award_mode = forms.ChoiceField(
        choices=Pathway.AwardMode.choices, widget=forms.RadioSelect, label="When it is met"
    )
    on_dependency_lost = forms.ChoiceField(
        choices=Pathway.OnDependencyLost.choices,
        widget=forms.RadioSelect,
        label="If a badge it relied on is revoked, suspended or expires",
    )

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]


LEAF_KINDS = [
    (Requirement.Kind.ACHIEVEMENT.value, "A badge of this platform"),
    (Requirement.Kind.EXTERNAL.value, "A badge from elsewhere (by its achievement id)"),
    (Requirement.Kind.SKILL.value, "Any badge aligned to a skill"),
    (Requirement.Kind.ALL_OF.value, "A group: all of"),
    (Requirement.Kind.AT_LEAST.value, "A group: at least N of"),
]


class RequirementForm(forms.Form):
    parent = forms.ChoiceField(label="Add to")
    kind = forms.ChoiceField(choices=LEAF_KINDS, label="What")
    achievement = BadgeChoice(
        queryset=Achievement.objects.none(),
        required=False,
        label="Badge",
        help_text="For “a badge of this platform”: any issuer's published badge.",
    )
    value = forms.CharField(
        max_length=500,
        required=False,
        label="Achievement id or skill",
        help_text="For a badge from elsewhere: its achievement id (a URL or URN). "
        "For a skill: its name or framework code, e.g. “Data analysis”.",
    )
    label = forms.CharField(
        max_length=200, required=False, help_text="What learners read (badges from elsewhere)."
    )
    url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        required=False,
        label="Where to earn it",
        help_text="A link for learners (badges from elsewhere and skills).",
    )
    n = forms.IntegerField(
        min_value=1, max_value=50, required=False, label="N (for “at least N of”)"
    )

    def __init__(self, *args: Any, groups: list[tuple[str, str]], badges: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["parent"].choices = groups  # type: ignore[attr-defined]
        self.fields["achievement"].queryset = badges  # type: ignore[attr-defined]


class ThresholdForm(forms.Form):
    group = forms.ChoiceField(label="Group")
    kind = forms.ChoiceField(
        choices=[
            (Requirement.Kind.ALL_OF.value, "All of"),
            (Requirement.Kind.AT_LEAST.value, "At least N of"),
        ],
        label="Rule",
    )
    n = forms.IntegerField(min_value=1, max_value=50, required=False, label="N")

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["group"].choices = groups  # type: ignore[attr-defined]

"""Forms of the badge designer: validation of what was typed (writes happen in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from insignia.web.achievements.models import AchievementType
from insignia.web.images.designs import ICONS, PALETTE, SHAPES

LANGUAGES = [
    ("en", "English"),
    ("en-GB", "English (UK)"),
    ("en-US", "English (US)"),
    ("cy", "Welsh"),
    ("de", "German"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pt", "Portuguese"),
    ("pl", "Polish"),
    ("sv", "Swedish"),
    ("fi", "Finnish"),
    ("da", "Danish"),
    ("nb", "Norwegian"),
    ("ga", "Irish"),
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("hi", "Hindi"),
]


IMAGE_SOURCES = [("design", "Generate a design"), ("upload", "Upload an image")]


class AchievementForm(forms.Form):
    """The signed fields of a badge, and where its image comes from."""

    name = forms.CharField(
        label="Badge name",
        max_length=200,
        help_text="Short and specific, e.g. “Python for Data Analysis”.",
    )
    description = forms.CharField(
        label="Description",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the badge says about the person who holds it.",
    )
    criteria = forms.CharField(
        label="Criteria",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What a learner must do to earn it. Be concrete: assessments, hours, standards.",
    )
    achievement_type = forms.ChoiceField(
        label="Type of achievement", choices=AchievementType.choices
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separate with commas, e.g. data, python, analytics.",
    )
    language = forms.ChoiceField(
        label="Language of the badge text", choices=LANGUAGES, initial="en"
    )
    expiry = forms.ChoiceField(
        label="Expiry",
        choices=[("never", "Never expires"), ("months", "Expires after …")],
        widget=forms.RadioSelect,
        initial="never",
    )
    expiry_months = forms.IntegerField(
        label="Months after the award",
        required=False,
        min_value=1,
        max_value=240,
        help_text="Only used when the badge expires.",
    )
    image_source = forms.ChoiceField(
        label="Badge image",
        choices=IMAGE_SOURCES,
        widget=forms.RadioSelect,
        initial="design",
    )
    image = forms.FileField(
        label="Image file",
        required=False,
        help_text="PNG, JPEG or SVG up to 2 MB; at least 256 × 256 pixels looks best. "
        "SVG files with scripts or external links are refused.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )
    design_colour = forms.ChoiceField(
        label="Colour", choices=list(PALETTE.items()), initial="#3730a3"
    )
    design_icon = forms.ChoiceField(label="Icon", choices=list(ICONS.items()), initial="star")
    design_shape = forms.ChoiceField(label="Shape", choices=list(SHAPES.items()), initial="hexagon")
    design_subtitle = forms.CharField(
        label="Small text under the ribbon",
        required=False,
        max_length=40,
        help_text="For example your organisation’s name.",
    )

    def __init__(self, *args: Any, has_image: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        if has_image:
            field = self.fields["image_source"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("keep", "Keep the current image"), *IMAGE_SOURCES]
            field.initial = "keep"

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("expiry") == "months" and not data.get("expiry_months"):
            self.add_error("expiry_months", "Enter after how many months the badge expires.")
        if data.get("image_source") == "upload" and not data.get("image"):
            self.add_error("image", "Choose an image file to upload.")
        return data


class AlignmentForm(forms.Form):
    """One skill the badge certifies (OB 3.0 Alignment)."""

    target_name = forms.CharField(label="Skill", max_length=200, required=False)
    target_url = forms.URLField(
        label="Skill URL",
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    target_framework = forms.CharField(label="Framework", max_length=200, required=False)
    target_code = forms.CharField(label="Code", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        details = any(data.get(k) for k in ("target_url", "target_framework", "target_code"))
        if details and not data.get("target_name"):
            self.add_error("target_name", "Name the skill.")
        if data.get("target_name") and not data.get("target_url"):
            self.add_error("target_url", "Give the URL where the skill is defined.")
        return data


AlignmentFormSet = forms.formset_factory(AlignmentForm, extra=2, max_num=20, absolute_max=20)

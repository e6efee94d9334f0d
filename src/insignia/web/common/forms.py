"""Form rendering for the whole site: one field template with label, help and inline errors."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting

from insignia.web.common.errors import ApplicationError


class FormRenderer(TemplatesSetting):
    """Render every form field with ``common/forms/field.html``."""

    form_template_name = "common/forms/form.html"
    field_template_name = "common/forms/field.html"


def add_application_error(
    form: forms.BaseForm, error: ApplicationError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: under its field when it names one.

    :param fields: renames service field names to form field names (``{"image": "logo"}``).
    """
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)

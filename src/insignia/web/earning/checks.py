"""System check: evidence files must never sit where the web server serves static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_evidence_dir(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report an evidence directory inside (or containing) the static root."""
    evidence = Path(settings.INSIGNIA_EVIDENCE_DIR).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if evidence == static or static in evidence.parents or evidence in static.parents:
        return [
            checks.Error(
                "INSIGNIA_EVIDENCE_DIR overlaps STATIC_ROOT: learners' private evidence would "
                "be served to anyone.",
                hint="Keep evidence outside the static root (the default is var/evidence).",
                id="insignia.E002",
            )
        ]
    return []

"""Every audit action the code records has words for the people who read the audit log."""

from __future__ import annotations

import re
from pathlib import Path

from insignia.web.common.templatetags import insignia

WEB = Path(insignia.__file__).resolve().parents[2]
RECORDED = re.compile(r'action="([a-z_]+\.[a-z_.]+)"')


def test_every_recorded_action_has_words() -> None:
    actions = {
        match
        for path in WEB.rglob("*.py")
        if "migrations" not in path.parts
        for match in RECORDED.findall(path.read_text(encoding="utf-8"))
    }
    assert len(actions) > 40
    assert sorted(actions - insignia._AUDIT.keys()) == []

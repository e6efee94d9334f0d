"""Translation between the assessment designer's forms and the services' data (both ways)."""

from __future__ import annotations

from typing import Any

from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import achievement_latest_version
from insignia.web.earning import selectors, services
from insignia.web.earning.forms import LEVEL_SLOTS, RubricForm
from insignia.web.earning.models import EvidenceKind, Rubric


def assessment_initial(
    achievement: Achievement,
) -> tuple[AchievementVersion | None, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The latest version, and the forms' initial values from its requirements and rubric."""
    latest = achievement_latest_version(achievement=achievement)
    if latest is None:
        return None, {}, [], []
    requirements = [
        {
            "prompt": r.prompt,
            "guidance": r.guidance,
            "kind": r.kind,
            "required": r.required,
            "min_length": r.min_length,
            "file_types": list(r.file_types),
            "max_mb": (r.max_bytes // 1_048_576) if r.max_bytes else None,
        }
        for r in selectors.version_requirements(version=latest)
    ]
    rubric = selectors.version_rubric(version=latest)
    if rubric is None:
        return latest, {"has_rubric": True, "name": "Assessment"}, requirements, []
    criteria = []
    for c in rubric.criteria.all():
        levels = list(c.levels.all())
        row: dict[str, Any] = {"name": c.name, "description": c.description, "must_reach": ""}
        for i, level in enumerate(levels[:LEVEL_SLOTS]):
            row[f"level_{i}_name"] = level.name
            row[f"level_{i}_points"] = level.points
            row[f"level_{i}_description"] = level.description
            if level.pk == c.required_level_id:
                row["must_reach"] = str(i)
        criteria.append(row)
    initial = {
        "has_rubric": True,
        "kind": rubric.kind,
        "name": rubric.name,
        "description": rubric.description,
        "pass_mark": rubric.pass_mark if rubric.kind == Rubric.Kind.POINTS else None,
    }
    return latest, initial, requirements, criteria


def requirement_data(formset: Any) -> list[services.RequirementData]:
    rows = []
    for d in formset.cleaned_data:
        if not d.get("prompt"):
            continue
        rows.append(
            services.RequirementData(
                prompt=d["prompt"],
                kind=d["kind"],
                required=d["required"],
                guidance=d.get("guidance", ""),
                min_length=d.get("min_length"),
                file_types=tuple(d.get("file_types") or ()),
                max_bytes=d["max_mb"] * 1_048_576
                if d.get("max_mb") and d["kind"] == EvidenceKind.FILE
                else None,
            )
        )
    return rows


def rubric_data(form: RubricForm, formset: Any) -> services.RubricData | None:
    d = form.cleaned_data
    if not d.get("has_rubric"):
        return None
    criteria = []
    for row in formset.cleaned_data:
        if not row.get("name"):
            continue
        levels = tuple(
            services.LevelData(
                name=row[f"level_{i}_name"],
                points=row[f"level_{i}_points"],
                description=row.get(f"level_{i}_description", ""),
            )
            for i in range(LEVEL_SLOTS)
            if row.get(f"level_{i}_name")
        )
        must = row.get("must_reach")
        criteria.append(
            services.CriterionData(
                name=row["name"],
                description=row.get("description", ""),
                levels=levels,
                must_reach=int(must) if must not in (None, "") else None,
            )
        )
    return services.RubricData(
        name=d.get("name") or "",
        kind=d["kind"],
        description=d.get("description", ""),
        pass_mark=d.get("pass_mark") or 0,
        criteria=tuple(criteria),
    )

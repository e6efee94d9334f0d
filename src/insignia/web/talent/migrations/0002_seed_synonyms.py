# ruff: noqa: RUF012
"""Seed common skills and the wordings issuers use for them (editable afterwards)."""

from typing import Any

from django.db import migrations

SEED = {
    "python": [
        "python programming",
        "use python",
        "programming in python",
        "python (computer programming)",
    ],
    "data analysis": [
        "analyse data",
        "analyze data",
        "data analytics",
        "analysing data",
        "analysis of data",
    ],
    "teamwork": ["team work", "work in teams", "collaboration", "working in teams"],
    "project management": ["manage projects", "project managing", "managing projects"],
    "first aid": ["administer first aid", "provide first aid", "first-aid"],
    "sustainability": [
        "environmental sustainability",
        "sustainable operations",
        "sustainable development",
    ],
    "communication": ["communicate", "communication skills", "communicate effectively"],
    "machine learning": ["ml", "use machine learning", "statistical learning"],
    "sql": ["structured query language", "use sql", "query databases"],
}


def seed(apps: Any, schema_editor: Any) -> None:
    Skill = apps.get_model("talent", "Skill")
    Synonym = apps.get_model("talent", "SkillSynonym")
    for key, aliases in SEED.items():
        skill, _ = Skill.objects.get_or_create(
            key=key, defaults={"name": key.capitalize() if key != "sql" else "SQL"}
        )
        for alias in [key, *aliases]:
            Synonym.objects.get_or_create(alias=alias, defaults={"skill": skill})


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

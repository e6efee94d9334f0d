"""The synonyms table, editable by site staff (when the admin site is mounted)."""

from django.contrib import admin

from insignia.web.talent.models import Skill, SkillSynonym


class SynonymInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SkillSynonym
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "key")
    search_fields = ("name", "key", "synonyms__alias")
    inlines = (SynonymInline,)


@admin.register(SkillSynonym)
class SkillSynonymAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("alias", "skill")
    search_fields = ("alias", "skill__name")
    autocomplete_fields = ("skill",)

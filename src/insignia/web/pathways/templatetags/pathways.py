"""``{% pathways_next credential %}``: the "what's next" card of a badge in the wallet (the
pathways it counts towards, with the holder's progress)."""

from __future__ import annotations

from typing import Any

from django import template

from insignia.web.pathways.selectors import pathways_counting

register = template.Library()


@register.inclusion_tag("pathways/includes/next.html")
def pathways_next(credential: Any) -> dict[str, Any]:
    return {"next_pathways": pathways_counting(credential=credential)}

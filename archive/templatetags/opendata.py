"""Links to a page's Atom feed, exports and e-mail alert: ``{% feed_link obj %}`` in the head
(``<link rel="alternate">``) and ``{% follow_box obj %}`` in the page. ``obj`` is a delegation, a
speaker, a resolution, the string "meetings", or the string "search" with ``q``."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from archive.models import Delegation, Resolution, Speaker

register = template.Library()


def links_for(obj, q: str = "") -> dict:
    if obj == "meetings":
        return {"feed": reverse("opendata:meeting-feed"), "title": "Latest meetings"}
    if obj == "search":
        query = "?" + urlencode({"q": q})
        return {
            "feed": reverse("opendata:search-feed") + query,
            "title": f"Statements matching “{q}”",
            "exports": {fmt: reverse("opendata:search-export", args=[fmt]) + query for fmt in ("csv", "json")},
            "kind": "search",
            "target": q,
        }
    if isinstance(obj, Delegation):
        prefix, args, kind, target = ("country" if obj.is_state else "organisation"), [obj.key], "delegation", obj.key
        title = f"Statements by {obj.name}"
    elif isinstance(obj, Speaker):
        prefix, args, kind, target = "speaker", [obj.slug], "speaker", obj.slug
        title = f"Statements by {obj.name}"
    elif isinstance(obj, Resolution):
        prefix, args, kind, target = "resolution", [obj.number], "resolution", str(obj.number)
        title = f"Statements citing {obj.symbol}"
    else:
        raise TypeError(f"no feed for {obj!r}")
    return {
        "feed": reverse(f"opendata:{prefix}-feed", args=args),
        "title": title,
        "exports": {fmt: reverse(f"opendata:{prefix}-export", args=[*args, fmt]) for fmt in ("csv", "json")},
        "kind": kind,
        "target": target,
    }


@register.inclusion_tag("opendata/_feed_link.html")
def feed_link(obj, q: str = "") -> dict:
    return links_for(obj, q)


@register.inclusion_tag("opendata/_follow.html", takes_context=True)
def follow_box(context, obj, q: str = "") -> dict:
    return {**links_for(obj, q), "csrf_token": context.get("csrf_token")}

"""Small inline SVG charts (no JavaScript, no external files, no inline styles). Labels are escaped."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify


def _empty() -> SafeString:
    return format_html('<p class="chart-empty">{}</p>', "Nothing to chart yet.")


def column_chart(points: Sequence[tuple[str, int]], *, title: str, unit: str = "") -> SafeString:
    """Vertical bars, one per label (e.g. years), each with its value; titled and described."""
    if not points:
        return _empty()
    width, height, pad = 640, 200, 28
    top = max(v for _, v in points) or 1
    step = (width - 2 * pad) / len(points)
    bar = min(max(step * 0.7, 2), 48)
    key = slugify(title) or "chart"
    rows = []
    for i, (label, value) in enumerate(points):
        h = (height - 2 * pad) * value / top
        x = pad + i * step + (step - bar) / 2
        y = height - pad - h
        cx = x + bar / 2
        rows.append(
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                label,
                value,
                unit,
                f"{cx:.1f}",
                height - pad + 14,
                label,
                f"{cx:.1f}",
                f"{y - 4:.1f}",
                value,
            )
        )
    bars = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {} {}</title></rect>'
        '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" class="value" text-anchor="middle">{}</text></g>',
        rows,
    )
    desc = ", ".join(f"{label}: {value}" for label, value in points)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        width,
        height,
        key,
        key,
        key,
        title,
        key,
        desc,
        bars,
    )


def bar_list(rows: Sequence[tuple[str, str, int]], *, title: str) -> SafeString:
    """Horizontal bars, one per (label, url, value), labels linked (so a group, not an image)."""
    if not rows:
        return _empty()
    width, line = 640, 24
    label_w = 260
    top = max(v for _, _, v in rows) or 1
    key = slugify(title) or "chart"
    items = format_html_join(
        "",
        '<g><a href="{}"><text x="0" y="{}" class="label">{}</text></a>'
        '<rect x="{}" y="{}" width="{}" height="16" class="bar"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" class="value">{}</text></g>',
        (
            (
                url,
                i * line + 16,
                label,
                label_w,
                i * line + 4,
                f"{(width - label_w - 50) * value / top:.1f}",
                label,
                value,
                f"{label_w + (width - label_w - 50) * value / top + 6:.1f}",
                i * line + 16,
                value,
            )
            for i, (label, url, value) in enumerate(rows)
        ),
    )
    desc = ", ".join(f"{label}: {value}" for label, _, value in rows)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="group" aria-labelledby="{}-t" aria-describedby="{}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        width,
        len(rows) * line + 4,
        key,
        key,
        key,
        title,
        key,
        desc,
        items,
    )

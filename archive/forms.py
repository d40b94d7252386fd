"""Query-string filters of the listing pages, validated: a bad value is ignored, never an error."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest


class YearFilter(forms.Form):
    year = forms.IntegerField(min_value=1, max_value=9999, required=False)


def year_filter(request: HttpRequest) -> int | None:
    """The ``year`` asked for, or None when absent or not a year ("abc", "0", "²", 40 digits)."""
    form = YearFilter(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else None

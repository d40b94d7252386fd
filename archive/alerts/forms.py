from __future__ import annotations

from django import forms

from archive.models import Subscription

from . import service


class FollowForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)
    kind = forms.ChoiceField(choices=Subscription.KINDS, widget=forms.HiddenInput)
    target = forms.CharField(max_length=500, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        try:
            return service.deliverable(self.cleaned_data["email"])
        except service.NotFollowable as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict:
        data = super().clean()
        if "kind" in data and "target" in data:
            try:
                data["followed"] = service.followed(data["kind"], data["target"])
            except service.NotFollowable as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data

"""Sign-up (rate-limited per client address and per mailbox), confirmation and one-click unsubscribe. Thin:
check the form or the signed token, call the service, render."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from archive.models import Subscription
from archive.ratelimits import limit

from . import service
from .forms import FollowForm


def posted_address(_group: str, request: HttpRequest) -> str:
    """The address a sign-up posts, as it is stored: one count per reader's mailbox."""
    return service.normalise_email(request.POST.get("email", ""))


@require_http_methods(["GET", "POST"])
@limit("alert-signup", "ALERT_SIGNUP_RATE", method="POST")
# Confirmation mails one mailbox can be sent, whoever asks and from however many addresses.
@limit("alert-signup-mailbox", "ALERT_CONFIRMATIONS_PER_ADDRESS", method="POST", key=posted_address)
def follow(request: HttpRequest) -> HttpResponse:
    """GET: the form for ?kind=&target=; POST: store the wish and mail the confirmation link.
    The answer is the same whether or not the address already follows it."""
    if request.method == "POST":
        form = FollowForm(request.POST)
        if form.is_valid():
            service.subscribe(form.cleaned_data["email"], form.cleaned_data["kind"], form.cleaned_data["target"])
            return render(
                request,
                "alerts/check_inbox.html",
                {"followed": form.cleaned_data["followed"], "email": form.cleaned_data["email"]},
            )
        return render(request, "alerts/follow.html", {"form": form}, status=400)
    form = FollowForm(initial={"kind": request.GET.get("kind", ""), "target": request.GET.get("target", "")})
    try:
        what = service.followed(request.GET.get("kind", ""), request.GET.get("target", ""))
    except service.NotFollowable as exc:
        return render(request, "alerts/follow.html", {"form": form, "error": str(exc)}, status=404)
    return render(request, "alerts/follow.html", {"form": form, "followed": what})


def _bad_link(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = (
        "This link has expired: sign up again."
        if isinstance(exc, signing.SignatureExpired)
        else ("This link is not valid (or the alert no longer exists).")
    )
    return render(request, "alerts/done.html", {"title": "Link not valid", "message": message}, status=404)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_link(request, token, confirming=True)


@csrf_exempt  # mail clients POST here for one-click unsubscribe (RFC 8058); the signed token is the check
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_link(request, token, confirming=False)


def _follow_link(request: HttpRequest, token: str, *, confirming: bool) -> HttpResponse:
    """A link from a mail: GET shows one button (so a link scanner's visit changes nothing),
    POST confirms or unsubscribes."""
    try:
        subscription = service.subscription_for(token, confirming=confirming)
    except (signing.BadSignature, Subscription.DoesNotExist) as exc:
        return _bad_link(request, exc)
    what = service.describe(subscription)
    if request.method != "POST":
        template = "alerts/confirm.html" if confirming else "alerts/unsubscribe.html"
        return render(request, template, {"followed": what, "subscription": subscription, "label": what.label})
    if confirming:
        service.confirm(subscription)
        title, message = "Alert confirmed", f"You will get an e-mail when there are new statements for {what.label}."
    else:
        subscription.delete()
        title, message = "Unsubscribed", f"No more e-mail about {what.label}."
    return render(request, "alerts/done.html", {"title": title, "message": message, "followed": what})


@csrf_exempt  # as above: the List-Unsubscribe header of every alert points here
@require_http_methods(["GET", "POST"])
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = service.email_for(token)
    except signing.BadSignature as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        Subscription.objects.filter(email=email).delete()
        return render(
            request,
            "alerts/done.html",
            {
                "title": "Unsubscribed",
                "message": "No more alerts will be sent to this address.",
            },
        )
    return render(request, "alerts/unsubscribe.html", {"label": "every alert to this address"})

"""Screens of sign-in with WeCom or WeChat (accounts.external_sign_in): leave for the provider, come
back, and the first time bind the account to a staff record by a code sent to its mobile number."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import phone_codes
from accounts.external_sign_in import (
    PENDING_MAX_AGE,
    PENDING_SESSION_KEY,
    BindRefused,
    ExternalSignInError,
    external_identity_bind,
    external_identity_user,
    provider_get,
    state_check,
    state_make,
    user_with_mobile,
)
from accounts.mobile import MobileNumberField
from accounts.throttle import client_address

SIGN_IN_BACKEND = "accounts.backends.UsernameOrMobileBackend"


def _safe_next(request, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _sign_in(request, user, next_url: str):
    login(request, user, backend=SIGN_IN_BACKEND)
    return HttpResponseRedirect(next_url)


@require_GET
def external_start(request, provider: str):
    """Leave for the provider's sign-in. A link, not a form: the site's Content-Security-Policy
    (``form-action 'self'``) stops a form's redirect to another site. It changes nothing but this
    browser's sign-in state, and WeCom's application home page can point here to sign in at once."""
    chosen = provider_get(provider)
    if chosen is None:
        raise Http404
    request.session["external_sign_in_next"] = _safe_next(request, request.GET.get("next"))
    state = state_make(request.session, provider=provider)
    redirect_uri = request.build_absolute_uri(reverse("accounts:external_callback", args=[provider]))
    user_agent = request.headers.get("user-agent", "")
    return HttpResponseRedirect(
        chosen.authorize_url(redirect_uri=redirect_uri, state=state, user_agent=user_agent)
    )


def _problem(request, message: str, status: int = 400):
    return render(request, "accounts/external_problem.html", {"message": message}, status=status)


@require_GET
def external_callback(request, provider: str):
    """Where the provider sends the browser back with ``code`` and our ``state``."""
    chosen = provider_get(provider)
    if chosen is None:
        raise Http404
    if not state_check(request.session, provider=provider, state=request.GET.get("state", "")):
        return _problem(
            request,
            _(
                "This sign-in link has expired or was not started in this browser. Start again from the "
                "sign-in page."
            ),
        )
    code = request.GET.get("code", "")
    if not code:  # the person declined, or the provider sent no code
        return _problem(
            request,
            _("%(provider)s did not sign you in. Start again from the sign-in page.")
            % {"provider": chosen.label},
        )
    try:
        subject = chosen.subject_for_code(code)
    except ExternalSignInError as error:
        return _problem(request, str(error), status=502)
    next_url = request.session.pop("external_sign_in_next", None) or resolve_url(settings.LOGIN_REDIRECT_URL)
    user = external_identity_user(provider=provider, subject=subject)
    if user is not None:
        if not user.is_active:
            return _problem(request, _("This account is closed. Ask your training manager."), status=403)
        return _sign_in(request, user, next_url)
    request.session[PENDING_SESSION_KEY] = {"p": provider, "s": subject, "next": next_url, "at": time.time()}
    return redirect("accounts:external_bind")


class ExternalBindForm(forms.Form):
    mobile = MobileNumberField(
        label=gettext_lazy("Mobile number"),
        help_text=gettext_lazy("The number your organisation has for you. We will text it a code."),
    )
    code = forms.CharField(
        label=gettext_lazy("Code from the text message"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _pending(request) -> dict | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_MAX_AGE:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return pending


@require_http_methods(["GET", "POST"])
def external_bind(request):
    """The first sign-in with a provider: prove a staff record's mobile number with a code, then the
    provider's account is bound to that record and signs in. Creates no account."""
    pending = _pending(request)
    if pending is None:
        messages.error(request, _("Your sign-in has expired. Start again."))
        return redirect("accounts:login")
    provider = pending["p"]
    label = provider_get(provider).label if provider_get(provider) else provider
    form = ExternalBindForm(request.POST or None)
    code_sent = False
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        if request.POST.get("action") == "send":
            try:
                # The same answer whether or not the number has an account (no enumeration).
                phone_codes.code_request(
                    mobile=mobile,
                    purpose="bind",
                    address=client_address(request),
                    send=user_with_mobile(mobile) is not None,
                )
                code_sent = True
            except phone_codes.CodeRequestRefused as refused:
                minutes = max(1, (refused.retry_after + 59) // 60)
                form.add_error(
                    None,
                    ngettext(
                        "Too many codes were asked for. Try again in %(minutes)s minute.",
                        "Too many codes were asked for. Try again in %(minutes)s minutes.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
        elif not form.cleaned_data["code"]:
            form.add_error("code", _("Type the 6-digit code from the text message."))
        elif not phone_codes.code_check(mobile=mobile, purpose="bind", code=form.cleaned_data["code"]):
            form.add_error("code", _("That code is wrong or has expired. Ask for a new one."))
        else:
            user = user_with_mobile(mobile)
            if user is None:
                form.add_error(
                    "mobile",
                    _(
                        "No staff record has this number, so there is nothing to bind. Accounts are made by "
                        "your training manager or by joining with an invitation."
                    ),
                )
            elif not user.is_active:
                form.add_error(None, _("This account is closed. Ask your training manager."))
            else:
                try:
                    external_identity_bind(provider=provider, subject=pending["s"], user=user)
                except BindRefused as refused:
                    form.add_error(None, str(refused))
                else:
                    request.session.pop(PENDING_SESSION_KEY, None)
                    next_url = pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
                    response = _sign_in(request, user, next_url)
                    messages.success(
                        request,
                        _("Your %(provider)s account is bound. Next time it signs you in at once.")
                        % {"provider": label},
                    )
                    return response
    return render(
        request,
        "accounts/external_bind.html",
        {"form": form, "provider_label": label, "code_sent": code_sent},
        status=400 if request.method == "POST" and not code_sent and form.errors else 200,
    )

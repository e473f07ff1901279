"""The join page a poster's QR code opens (/join/<token>/): public, for a phone, no script needed.

Step one asks a name and a mobile number and texts a code (accounts.phone_codes, purpose "join");
step two takes the code. What step one typed waits in the session, bound to this invitation, so the
code confirms exactly that number. The unit and position come from the invitation alone
(accounts.invitations), never from the request.
"""

from django import forms
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import invitations as services
from accounts.mobile import MobileNumberField
from accounts.phone_codes import CodeRequestRefused, code_check, code_request
from accounts.throttle import client_address

SESSION_KEY = "join"
BACKEND = "accounts.backends.UsernameOrMobileBackend"


class JoinDetailsForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = MobileNumberField(label=_("Mobile number"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code sent by text message"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        raise Http404
    context = {"invitation": invitation, "token": token}
    refusal = services.invitation_refusal(invitation)
    if refusal:
        context["message"] = services.refusal_message(refusal)
        return render(request, "accounts/join/closed.html", context)
    pending = request.session.get(SESSION_KEY)
    if pending and pending.get("invitation") != invitation.pk:
        pending = None
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "confirm" and pending:
        code_form = JoinCodeForm(request.POST)
        if code_form.is_valid():
            if not code_check(mobile=pending["mobile"], purpose="join", code=code_form.cleaned_data["code"]):
                code_form.add_error(
                    "code",
                    _("The code is wrong or has expired. Check the text message, or ask for a new code."),
                )
            else:
                return _join(request, invitation, pending, context)
        return render(request, "accounts/join/code.html", {**context, "form": code_form, "pending": pending})

    if action == "send":
        form = JoinDetailsForm(request.POST)
        if form.is_valid():
            mobile = form.cleaned_data["mobile"]
            if services.mobile_has_account(mobile):
                return render(request, "accounts/join/has_account.html", context)
            try:
                code_request(mobile=mobile, purpose="join", address=client_address(request))
            except CodeRequestRefused as refused:
                form.add_error(
                    None,
                    _("Too many codes asked for. Try again in %(minutes)s minutes.")
                    % {"minutes": max(1, refused.retry_after // 60)},
                )
            else:
                pending = {"invitation": invitation.pk, "name": form.cleaned_data["name"], "mobile": mobile}
                request.session[SESSION_KEY] = pending
                return render(
                    request,
                    "accounts/join/code.html",
                    {**context, "form": JoinCodeForm(), "pending": pending},
                )
        return render(request, "accounts/join/details.html", {**context, "form": form})

    if pending and "again" not in request.GET:  # back from the code step: the code form again
        return render(
            request, "accounts/join/code.html", {**context, "form": JoinCodeForm(), "pending": pending}
        )
    initial = {"name": pending["name"], "mobile": pending["mobile"]} if pending else None
    return render(
        request, "accounts/join/details.html", {**context, "form": JoinDetailsForm(initial=initial)}
    )


def _join(request, invitation, pending, context):
    request.session.pop(SESSION_KEY, None)
    try:
        result = services.join_submit(invitation=invitation, name=pending["name"], mobile=pending["mobile"])
    except services.MobileTaken:
        return render(request, "accounts/join/has_account.html", context)
    except services.AlreadyWaiting:
        return render(request, "accounts/join/waiting.html", {**context, "already": True})
    except services.JoinRefused as refused:
        context["message"] = services.refusal_message(refused.reason)
        return render(request, "accounts/join/closed.html", context)
    if result.user is None:
        return render(request, "accounts/join/waiting.html", context)
    login(request, result.user, backend=BACKEND)
    return HttpResponseRedirect(reverse("progress:my_learning"))

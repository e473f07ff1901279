from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from accounts import phone_codes, services, throttle
from accounts.backends import SIGNED_IN_BY_SESSION_KEY, sign_in_account
from accounts.forms import (
    CodeSignInForm,
    MobileForm,
    PasswordResetByCodeForm,
    SignInForm,
    StaffPasswordChangeForm,
)
from accounts.selectors import org_unit_path_names


class SignInView(auth_views.LoginView):
    """Sign in with a username or mobile number. Django's login() gives a new session id."""

    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[SIGNED_IN_BY_SESSION_KEY] = "password"
        if not form.cleaned_data.get("remember"):
            self.request.session.set_expiry(0)  # ends when the browser closes
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("code_form", MobileForm(prefix="code"))
        return context


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def mobile_display(mobile: str) -> str:
    """13812345678 → 138 1234 5678, as people read a number back."""
    return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"


def code_send(request, *, mobile: str, purpose: str) -> tuple[str | None, int]:
    """Text a ``purpose`` code to ``mobile`` if it names an active account; count and answer exactly the
    same when it does not (no enumeration). Returns the error to show when a limit refuses it (None when
    sent) and the seconds until another code may be asked for, for the resend button's countdown (0 when
    too long to count down)."""
    user, _account = sign_in_account(mobile)
    try:
        phone_codes.code_request(
            mobile=mobile,
            purpose=purpose,
            address=throttle.client_address(request),
            send=user is not None and user.is_active,
        )
    except phone_codes.CodeRequestRefused as refused:
        if refused.retry_after <= 2 * phone_codes.RESEND_SECONDS:
            seconds = max(1, refused.retry_after)
            message = ngettext(
                "A code was sent a moment ago. You can ask for another in %(seconds)s second.",
                "A code was sent a moment ago. You can ask for another in %(seconds)s seconds.",
                seconds,
            ) % {"seconds": seconds}
            return message, seconds
        minutes = -(-refused.retry_after // 60)
        message = ngettext(
            "Too many codes have been asked for. Please try again in %(minutes)s minute.",
            "Too many codes have been asked for. Please try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        return message, 0
    return None, phone_codes.RESEND_SECONDS


def code_sent_context(request, *, mobile: str, purpose: str) -> dict:
    """The second step's page: the code was sent (or a limit says when it may be), with a countdown."""
    refused, wait = code_send(request, mobile=mobile, purpose=purpose)
    return {
        "code_refused": refused,
        "code_sent": refused is None,
        "mobile": mobile,
        "mobile_display": mobile_display(mobile),
        "resend_seconds": wait,
        "code_minutes": max(1, getattr(settings, "PHONE_CODE_SECONDS", 300) // 60),
    }


@method_decorator([sensitive_post_parameters("code"), csrf_protect, never_cache], name="dispatch")
class CodeSignInView(View):
    """Sign in with a code texted to the mobile number. Step one (``action=send``) texts the code and
    shows the code field; step two checks it (accounts.backends.PhoneCodeBackend, under the sign-in
    lock-out) and signs in. Plain forms: works without JavaScript, which only adds the resend countdown."""

    template_name = "accounts/sign_in.html"
    http_method_names = ["get", "post", "options"]

    def get(self, request):
        return redirect("accounts:login")

    def render(self, **context):
        context.setdefault("form", SignInForm(self.request))
        context.setdefault("code_form", MobileForm(prefix="code"))
        return render(self.request, self.template_name, {"next": _safe_next(self.request), **context})

    def post(self, request):
        if request.POST.get("action") == "send":
            form = MobileForm(request.POST, prefix="code")
            if not form.is_valid():
                return self.render(code_form=form)
            mobile = form.cleaned_data["mobile"]
            return self.render(
                code_stage="verify",
                verify_form=CodeSignInForm(request, initial={"mobile": mobile, "remember": True}),
                **code_sent_context(request, mobile=mobile, purpose="sign_in"),
            )
        form = CodeSignInForm(request, request.POST)
        if not form.is_valid():
            mobile = form.cleaned_data.get("mobile") or ""
            if not mobile:  # no number (an old page, a tampered form): start again
                return self.render()
            return self.render(
                code_stage="verify",
                verify_form=form,
                mobile=mobile,
                mobile_display=mobile_display(mobile),
                resend_seconds=0,
            )
        login(request, form.user_cache, backend="accounts.backends.PhoneCodeBackend")
        request.session[SIGNED_IN_BY_SESSION_KEY] = "code"
        if not form.cleaned_data.get("remember"):
            request.session.set_expiry(0)
        return redirect(_safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


@method_decorator(
    [sensitive_post_parameters("code", "new_password1", "new_password2"), csrf_protect, never_cache],
    name="dispatch",
)
class PasswordResetView(View):
    """Reset a forgotten password: the mobile number, the code texted to it, the new password twice;
    then signed in. Answers the same whether or not the number has an account."""

    template_name = "accounts/password_reset.html"

    def render(self, **context):
        context.setdefault("mobile_form", MobileForm())
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render()

    def post(self, request):
        if request.POST.get("action") == "send":
            form = MobileForm(request.POST)
            if not form.is_valid():
                return self.render(mobile_form=form)
            mobile = form.cleaned_data["mobile"]
            return self.render(
                stage="reset",
                reset_form=PasswordResetByCodeForm(request, initial={"mobile": mobile}),
                **code_sent_context(request, mobile=mobile, purpose="reset"),
            )
        form = PasswordResetByCodeForm(request, request.POST)
        if not form.is_valid():
            mobile = form.cleaned_data.get("mobile") or ""
            if not mobile:  # no number (an old page, a tampered form): start again
                return self.render()
            return self.render(
                stage="reset",
                reset_form=form,
                mobile=mobile,
                mobile_display=mobile_display(mobile),
                resend_seconds=0,
            )
        user = form.user_cache
        services.user_password_reset(
            user=user, password=form.cleaned_data["new_password1"], address=throttle.client_address(request)
        )
        login(request, user, backend="accounts.backends.UsernameOrMobileBackend")
        request.session[SIGNED_IN_BY_SESSION_KEY] = "password"
        messages.success(request, gettext("Your password has been reset. You are signed in."))
        return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Courses saved to the phone and lessons finished offline belong to this person: the browser
        # forgets them (js/pwa.js also clears them where this header is not understood).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StaffPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("progress:my_learning")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the others
        services.user_password_changed(user=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_success_url(self):
        target = self.request.GET.get("next") or self.request.POST.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, {self.request.get_host()}, self.request.is_secure()
        ):
            return target
        return super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        context["next"] = self.request.GET.get("next", "")
        return context


@require_GET
@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {"profile_user": user, "org_path": org_unit_path_names(user.org_unit), "position": user.position},
    )

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts import services
from accounts.forms import SignInForm, StaffPasswordChangeForm
from accounts.selectors import org_unit_path_names


class SignInView(auth_views.LoginView):
    """Sign in with a username or mobile number. Django's login() gives a new session id."""

    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember"):
            self.request.session.set_expiry(0)  # ends when the browser closes
        return response


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


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

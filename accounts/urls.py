from django.urls import path

from accounts import external_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.CodeSignInView.as_view(), name="code_sign_in"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("external/<slug:provider>/start/", external_views.external_start, name="external_start"),
    path("external/<slug:provider>/callback/", external_views.external_callback, name="external_callback"),
    path("external/bind/", external_views.external_bind, name="external_bind"),
]

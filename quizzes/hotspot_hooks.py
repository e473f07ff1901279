"""Wagtail hooks of the hotspot editor: only registration (the view lives in hotspot_admin)."""

from wagtail import hooks


@hooks.register("register_admin_urls")
def register_hotspot_admin_urls():
    from quizzes.hotspot_admin import urlpatterns

    return urlpatterns

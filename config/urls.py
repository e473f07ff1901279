import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog, set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.views.serve import serve as wagtailimages_serve

from core import pwa
from core import views as core_views
from courses import views as course_views

urlpatterns = [
    # Scoped replacements of Wagtail admin screens: ahead of Wagtail's, at the same URLs.
    path("admin/reports/", include("reports.site_history_urls")),
    path("admin/", include("core.admin_urls")),  # bulk actions through the rights system
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Signed share-card pictures (core.share): Wagtail's image view under a path and name of our own. Mounted
    # at /images/ (Wagtail's usual place), an image uploaded from the page editor's chooser on PostgreSQL was
    # not set in its block (tests/browser/test_rights_journey.py); under /share-image/ it is.
    re_path(r"^share-image/([^/]*)/(\d*)/([^/]*)/[^/]*$", wagtailimages_serve, name="share_image"),
    path("search/", course_views.search, name="search"),
    path("accounts/", include("accounts.urls")),
    path("join/", include("accounts.join_urls")),
    path("my/", include("progress.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("certificates.urls")),
    path("", include("classroom.urls")),  # /checkin/<code>/: the in-person session's QR code
    path("quizzes/", include("quizzes.urls")),
    # SCORM packages' files and runtime calls (scorm.views); /scorm/content/ has a policy of its own.
    path("scorm/", include("scorm.urls")),
    path("practice/", include(("quizzes.practice", "practice"))),
    path("api/v1/", include("api.urls")),
    path("xapi/", include("xapi.urls")),
    path("ai/", include("assistant.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("preferences/text-size/", core_views.text_size, name="text_size"),
    path("preferences/data-saver/", core_views.data_saver, name="data_saver"),
    path("ping/", core_views.ping, name="ping"),
    # The installable web app (core.pwa): at the site root, so the service worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline_page, name="offline"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Not django.conf.urls.static.static(): it adds nothing unless DEBUG is on, so DJANGO_SERVE_MEDIA served
    # no upload at all under the production settings (every lesson picture a 404).
    from django.views.static import serve as serve_file

    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += [path("", include(wagtail_urls))]

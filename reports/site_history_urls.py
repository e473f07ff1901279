"""Wagtail's site history report, replaced by the scoped one (reports/views/site_history.py).

Mounted at /admin/reports/ in config/urls.py *before* Wagtail's admin URLs, so these two paths win over
Wagtail's own ``wagtailadmin_reports:site_history`` and ``…_results``, which still reverse to them.
(Admin URLs from the ``register_admin_urls`` hook come after Wagtail's own and cannot replace them.)
Wrapped as Wagtail wraps its admin views: admin access required, never cached.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from reports.views.site_history import ScopedSiteHistoryView

urlpatterns = [
    path("site-history/", ScopedSiteHistoryView.as_view()),
    path("site-history/results/", ScopedSiteHistoryView.as_view(results_only=True)),
]
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)

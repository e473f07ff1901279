"""The permanent address of a page as an xAPI activity (xapi.statements): it leads to the page wherever
the page has moved, so an activity id sent today still resolves after a course is renamed."""

from django.http import Http404
from django.shortcuts import redirect
from wagtail.models import Page


def activity(request, page_id: int):
    page = Page.objects.live().filter(pk=page_id).first()
    url = page.get_url(request) if page is not None else None
    if not url:
        raise Http404
    return redirect(url)

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courses.selectors import course_search, lesson_hits, lesson_search, search_terms

LESSONS_PER_PAGE = 20


@require_GET
def search(request):
    """Search courses and lessons. Substring matching, because Chinese has no word spaces."""
    query = request.GET.get("q", "").strip()
    terms = search_terms(query)
    page = Paginator(lesson_search(terms), LESSONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/search.html",
        {
            "query": query,
            "courses": course_search(terms) if page.number == 1 else [],
            "lesson_page": page,
            "lesson_hits": lesson_hits(list(page.object_list), terms),
        },
    )

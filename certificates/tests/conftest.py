import pytest
from wagtail.models import Site

from core.models import SiteSettings
from progress import services as progress_services
from tests.factories import make_course, make_lesson, make_user

ORGANISATION = "渝中区社区工作培训中心"


@pytest.fixture
def organisation(db):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = ORGANISATION
    settings.save()
    return ORGANISATION


@pytest.fixture
def course(db):
    course = make_course("扫码登记：零接触访客登记")
    make_lesson(course, "第 1 课")
    make_lesson(course, "第 2 课")
    return course


@pytest.fixture
def learner(db):
    return make_user("learner-cert", name="张网格", mobile="13800000009")


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Finish every lesson of a course as a learner would; returns the certificate issued."""

    def finish(learner, course):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in course.items().specific():
                progress_services.item_complete(learner=learner, item=lesson, course=course)
        return learner.certificates.get(course_id=course.pk)

    return finish


@pytest.fixture
def certificate(organisation, course, learner, complete):
    return complete(learner, course)

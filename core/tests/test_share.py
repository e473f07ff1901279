"""Share cards: what WeChat (and any Open Graph reader) shows for a link to a course or lesson."""

import html
import re

import pytest
from wagtail.models import PageViewRestriction, Site

from core.models import SiteSettings
from core.share import LOGO_IMAGE_FILTER, SHARE_IMAGE_FILTER, share_image_path
from tests.factories import home_page, make_course, make_course_index, make_image, make_lesson

pytestmark = pytest.mark.django_db


def meta(response) -> dict[str, str]:
    """Every <meta property|name|itemprop=… content=…> of the page, unescaped."""
    found = {}
    for attr, name, content in re.findall(
        r'<meta (property|name|itemprop)="([^"]+)" content="([^"]*)">', response.content.decode()
    ):
        found[f"{attr}:{name}"] = html.unescape(content)
    return found


@pytest.fixture
def site_root():
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "xuetang.example.cn", 443
    site.save()
    return "https://xuetang.example.cn"


def test_course_page_card_has_title_summary_cover_and_absolute_urls(client, site_root):
    cover = make_image("封面", size=(1200, 800))
    course = make_course("扫码登记入门", cover_image=cover, summary="社区工作人员学会用小程序登记访客。")
    tags = meta(client.get(course.url))
    assert tags["property:og:title"] == tags["itemprop:name"] == "扫码登记入门"
    assert tags["property:og:description"] == tags["itemprop:description"] == tags["name:description"]
    assert tags["name:description"] == "社区工作人员学会用小程序登记访客。"
    assert tags["property:og:type"] == "article"
    assert tags["property:og:locale"] == "zh_CN"
    assert tags["property:og:site_name"] == "一线学堂"
    assert tags["property:og:url"] == site_root + course.url
    image_url = site_root + share_image_path(cover.pk, SHARE_IMAGE_FILTER)
    assert tags["property:og:image"] == tags["itemprop:image"] == image_url
    # The crawler gets a 300 × 300 JPEG from that URL.
    picture = client.get(image_url.removeprefix(site_root))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    from PIL import Image

    with Image.open(__import__("io").BytesIO(b"".join(picture.streaming_content))) as img:
        assert img.size == (300, 300)


def test_lesson_card_names_its_course_and_uses_the_course_cover(client, site_root):
    cover = make_image("封面")
    course = make_course("扫码登记入门", cover_image=cover, summary="课程简介")
    lesson = make_lesson(course, "打开小程序", summary="第一步：找到入口。")
    tags = meta(client.get(lesson.url))
    assert tags["property:og:title"] == "打开小程序 · 扫码登记入门"
    assert tags["property:og:description"] == "第一步：找到入口。"
    assert tags["property:og:url"] == site_root + lesson.url
    assert tags["property:og:image"] == site_root + share_image_path(cover.pk)
    # A lesson without a summary of its own is described by its course.
    bare = make_lesson(course, "第二课", summary="")
    assert meta(client.get(bare.url))["property:og:description"] == "课程简介"


def test_quotes_and_markup_in_titles_are_escaped(client, site_root):
    course = make_course('“扫码”课 "A" <b>&</b>', summary='It\'s "quoted" <script>x</script>')
    body = client.get(course.url).content.decode()
    assert "<script>x</script>" not in body
    assert 'content="&quot;' not in body  # nothing closes an attribute early
    tags = meta(client.get(course.url))
    assert tags["property:og:title"] == '“扫码”课 "A" <b>&</b>'
    assert tags["property:og:description"] == 'It\'s "quoted" <script>x</script>'


def test_long_summaries_are_cut_to_one_line(client, site_root):
    course = make_course(summary="第一行\n第二行  " + "很长" * 200)
    description = meta(client.get(course.url))["property:og:description"]
    assert "\n" not in description
    assert description.startswith("第一行 第二行 ")
    assert len(description) <= 120


def test_without_a_cover_the_card_shows_the_logo_then_the_default(client, site_root):
    course = make_course(cover_image=None)
    tags = meta(client.get(course.url))
    assert tags["property:og:image"] == site_root + "/static/img/share-card.png"
    logo = make_image("标志", size=(600, 200))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.logo = logo
    settings.save()
    tags = meta(client.get(course.url))
    assert tags["property:og:image"] == site_root + share_image_path(logo.pk, LOGO_IMAGE_FILTER)
    picture = client.get(tags["property:og:image"].removeprefix(site_root))
    assert picture.status_code == 200  # scaled to fit, not cropped: 300 × 100


def test_home_and_catalogue_have_cards(client, site_root):
    home = home_page()
    home.intro = "社区一线人员的数字技能培训"
    home.save_revision().publish()
    index = make_course_index()
    for url, kind in (("/", "website"), (index.url, "website")):
        tags = meta(client.get(url))
        assert tags["property:og:type"] == kind
        assert tags["property:og:image"].startswith(site_root + "/")
        assert tags["property:og:url"].startswith(site_root + "/")
    assert meta(client.get("/"))["property:og:description"] == "社区一线人员的数字技能培训"


def test_english_pages_say_so(client, site_root):
    course = make_course()
    client.cookies["django_language"] = "en"
    tags = meta(client.get(course.url))
    assert tags["property:og:locale"] == "en_US"
    assert tags["property:og:site_name"] == "Frontline Academy"


def test_a_restricted_course_shows_the_crawler_nothing(client, site_root):
    course = make_course("内部课程：应急预案", summary="仅限内部")
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    lesson = make_lesson(course, "内部第一课")
    for url in (course.url, lesson.url):
        response = client.get(url)
        assert response.status_code == 302
        assert "内部" not in response.content.decode()


def test_a_tampered_image_url_is_refused(client):
    image = make_image()
    url = share_image_path(image.pk)
    assert client.get(url).status_code == 200
    assert client.get(url.replace("300x300", "3000x3000")).status_code == 403

"""Every lesson block renders, has an icon, a description and an admin preview."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from courses.blocks import EMPTY_IMAGE, LessonStreamBlock
from courses.models import LessonPage
from tests.factories import make_course, make_image, make_lesson

pytestmark = pytest.mark.django_db


def make_document(name: str, content: bytes = b"%PDF-1.4 demo", title="登记表"):
    document = get_document_model()(title=title)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


@pytest.fixture
def lesson_with_every_block():
    image = make_image()
    video = make_document("demo.mp4", b"\x00\x00\x00\x18ftypmp42", title="演示视频")
    pdf = make_document("form.pdf")
    body = [
        {"type": "paragraph", "value": "<p>段落<b>加粗</b></p>"},
        {"type": "heading", "value": {"text": "小标题", "level": "h2"}},
        {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "decorative": False, "alt_text": "登记页"},
                "caption": "图注",
            },
        },
        {
            "type": "steps",
            "value": {
                "title": "三步完成",
                "steps": [
                    {
                        "instruction": "<p>打开</p>",
                        "screenshot": {"image": image.pk, "decorative": False, "alt_text": "一"},
                        "tip": "小提示",
                    },
                    {"instruction": "<p>点击</p>", "screenshot": EMPTY_IMAGE, "tip": ""},
                ],
            },
        },
        {"type": "callout", "value": {"kind": "warning", "title": "", "text": "<p>小心</p>"}},
        {
            "type": "video",
            "value": {"video": video.pk, "poster": image.pk, "caption": "视频说明", "transcript": "字幕"},
        },
        {"type": "download", "value": {"document": pdf.pk, "title": "", "description": "一页"}},
        {"type": "key_points", "value": {"title": "", "points": ["要点一", "要点二"]}},
    ]
    return make_lesson(make_course(), body=body)


def test_every_block_renders_on_the_lesson_page(client, lesson_with_every_block):
    html = client.get(lesson_with_every_block.url).content.decode()
    assert "段落<b>加粗</b>" in html
    assert '<h2 class="block-heading">小标题</h2>' in html
    assert "<picture>" in html and 'type="image/webp"' in html
    assert 'alt="登记页"' in html and "图注" in html
    assert "三步完成" in html and "第 1 步" in html and "小提示" in html
    assert 'class="callout callout--warning"' in html and "注意" in html  # default title in Chinese
    assert "<video" in html and 'type="video/mp4"' in html and "poster=" in html and "字幕" in html
    assert "登记表" in html and "PDF" in html and " download" in html
    assert "要点一" in html and "本课要点" in html


def test_every_block_declares_icon_description_and_preview():
    for name, block in LessonStreamBlock().child_blocks.items():
        assert block.meta.icon and block.meta.icon != "placeholder", name
        assert block.meta.description, name
        assert block.get_preview_value() is not None, name


LESSON_BLOCKS = LessonPage._meta.get_field("body").stream_block.child_blocks


@pytest.mark.parametrize("name", list(LESSON_BLOCKS))
def test_block_preview_renders_in_the_admin_with_site_styles(admin_client, name):
    make_image()
    response = admin_client.get(
        reverse("wagtailadmin_block_preview"), {"id": LESSON_BLOCKS[name].definition_prefix}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/css/site.css" in html
    assert "<main" in html


def test_video_block_refuses_non_video_files():
    from django.core.exceptions import ValidationError

    pdf = make_document("not-a-video.pdf")
    block = LessonStreamBlock().child_blocks["video"].child_blocks["video"]
    with pytest.raises(ValidationError):
        block.clean(pdf)

"""Lesson blocks made for teaching software: screenshots, step-by-step guides, callouts."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]
VIDEO_EXTENSIONS = ("mp4", "webm")
# What an optional ImageBlock stores when left empty (a bare None breaks its bulk loading).
EMPTY_IMAGE = {"image": None, "alt_text": None, "decorative": None}


def _preview_image():
    """Any image from the library, so block previews in the admin show a picture."""
    from wagtail.images import get_image_model

    return get_image_model().objects.order_by("id").first()


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        description = _("Paragraphs of text with bold, lists and links.")
        template = "courses/blocks/paragraph.html"
        preview_value = "<p>扫码登记时，请先确认访客已打开<b>微信</b>，再请对方对准门口张贴的二维码。</p>"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        description = _("A heading that splits the lesson into sections.")
        template = "courses/blocks/heading.html"
        preview_value = {"text": "第一步：打开登记小程序", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        description = _("A screenshot or photo with a caption, sized for phones.")
        template = "courses/blocks/captioned_image.html"

    def get_preview_value(self):
        return {"image": _preview_image(), "caption": "登记小程序首页"}


class StepBlock(blocks.StructBlock):
    instruction = blocks.RichTextBlock(
        label=_("instruction"), features=["bold", "italic", "link"], help_text=_("What to do.")
    )
    screenshot = ImageBlock(label=_("screenshot"), required=False)
    tip = blocks.CharBlock(
        label=_("tip"), required=False, max_length=255, help_text=_("Optional hint for this step.")
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepByStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step guide")
        description = _("Numbered steps, each with an instruction, a screenshot and an optional tip.")
        template = "courses/blocks/step_by_step.html"

    def get_preview_value(self):
        image = _preview_image()
        return {
            "title": "生成访客登记码",
            "steps": [
                {"instruction": "<p>打开<b>社区通</b>小程序。</p>", "screenshot": image, "tip": ""},
                {"instruction": "<p>点击“访客登记”。</p>", "screenshot": image, "tip": "找不到时向下滑动。"},
            ],
        }


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        description = _("A boxed tip, warning or note that stands out from the text.")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "warning",
            "title": "注意",
            "text": "<p>不要把居民的身份证号码发到微信群里。</p>",
        }


class VideoChooserBlock(DocumentChooserBlock):
    def clean(self, value):
        value = super().clean(value)
        if value and value.file_extension.lower() not in VIDEO_EXTENSIONS:
            raise ValidationError(_("Choose an MP4 or WebM video file."))
        return value


class VideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(
        label=_("video file"), help_text=_("Upload an MP4 (H.264) or WebM file to Documents.")
    )
    poster = ImageChooserBlock(
        label=_("poster image"), required=False, help_text=_("Shown before the video plays.")
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)
    transcript = blocks.TextBlock(
        label=_("transcript"),
        required=False,
        help_text=_("What is said in the video, for people who cannot listen."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        description = _("An uploaded video that plays inside the page, with a poster image.")
        template = "courses/blocks/video.html"
        preview_template = "courses/previews/video.html"

    def get_preview_value(self):
        return {"video": None, "poster": _preview_image(), "caption": "操作演示", "transcript": ""}


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("file"))
    title = blocks.CharBlock(
        label=_("link text"), required=False, max_length=120, help_text=_("Defaults to the file's title.")
    )
    description = blocks.CharBlock(label=_("description"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("Download")
        description = _("A file learners can download, such as a form or a printable guide.")
        template = "courses/blocks/download.html"
        preview_template = "courses/previews/download.html"

    def get_preview_value(self):
        return {"document": None, "title": "访客登记表（打印版）", "description": "PDF，1 页"}


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    points = blocks.ListBlock(blocks.CharBlock(max_length=255), label=_("points"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        label = _("Key points")
        description = _("A short summary of what to remember, usually at the end of a lesson.")
        template = "courses/blocks/key_points.html"
        preview_value = {
            "title": "本课要点",
            "points": ["先核验健康码，再登记", "登记信息只用于防疫", "有疑问及时联系网格员"],
        }


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    steps = StepByStepBlock()
    callout = CalloutBlock()
    video = VideoBlock()
    download = DownloadBlock()
    key_points = KeyPointsBlock()

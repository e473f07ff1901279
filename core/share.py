"""What a link to one of our pages shows when it is pasted into WeChat (or any app that reads Open
Graph): title, a one-line summary and a picture.

The picture is a signed URL of Wagtail's image view (mounted as ``share_image``) rather than a rendition
looked up while the page renders: building the URL needs only the image's id, so a page that shows a
share card costs no query more (the course row already holds ``cover_image_id``, site settings are
cached). The rendition is made the first time a crawler asks for it and kept like any other.

Size: a square 300 × 300 JPEG. WeChat shows a link as a small square thumbnail beside the title and
crops whatever it gets to a square from the middle; cropping it ourselves (``fill``) keeps the image's
focal point in view, and 300 px is the smallest WeChat accepts as a card image. JPEG, because
WeChat's crawler does not read WebP.
"""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator
from wagtail.images.utils import generate_signature

SHARE_IMAGE_FILTER = "fill-300x300|format-jpeg|jpegquality-85"
# A logo is not cropped (its words would be cut): scaled to fit, transparency on white.
LOGO_IMAGE_FILTER = "max-300x300|bgcolor-ffffff|format-jpeg|jpegquality-85"
DEFAULT_SHARE_IMAGE = "img/share-card.png"  # shipped, 300 × 300
DESCRIPTION_CHARS = 120


def share_image_path(image_id: int, filter_spec: str = SHARE_IMAGE_FILTER) -> str:
    """The site-relative URL of ``image_id`` in ``filter_spec``, signed so nobody can ask the server
    for other sizes. No query."""
    signature = generate_signature(image_id, filter_spec)
    return reverse("share_image", args=(signature, image_id, filter_spec))


def absolute(root_url: str, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else root_url.rstrip("/") + url


def share_description(*candidates: str | None) -> str:
    """The first non-empty text, on one line, short enough for a card."""
    for text in candidates:
        text = " ".join((text or "").split())
        if text:
            return Truncator(text).chars(DESCRIPTION_CHARS)
    return ""


def share_image_url(root_url: str, *, image_id: int | None, logo_id: int | None) -> str:
    """Absolute URL of the card's picture: the given image, else the site's logo, else the shipped
    default."""
    if image_id:
        return absolute(root_url, share_image_path(image_id))
    if logo_id:
        return absolute(root_url, share_image_path(logo_id, LOGO_IMAGE_FILTER))
    return absolute(root_url, static(DEFAULT_SHARE_IMAGE))

"""Rendition prefetching, so a page's query count does not grow with its number of images."""

import copy
from collections.abc import Iterable

from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage


def images_in_stream(value) -> list[AbstractImage]:
    """Every image held anywhere inside a StreamField value (blocks, structs, lists)."""
    found: list[AbstractImage] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, AbstractImage):
            found.append(item)
        elif isinstance(item, StreamValue):
            stack.extend(child.value for child in item)
        elif isinstance(item, StructValue):
            stack.extend(item.values())
        elif isinstance(item, (ListValue, list, tuple)):
            stack.extend(item)
    return found


def prefetch_renditions(images: Iterable[AbstractImage | None]) -> None:
    """Load every existing rendition of these images in one query.

    Wagtail looks in ``prefetched_renditions`` before its cache and database; renditions
    that do not exist yet are created on first use as usual.
    """
    images = [image for image in images if image is not None]
    if not images:
        return
    rendition_model = get_image_model().get_rendition_model()
    by_image: dict[int, list] = {image.pk: [] for image in images}
    for rendition in rendition_model.objects.filter(image_id__in=by_image):
        by_image[rendition.image_id].append(rendition)
    for image in images:
        # Each image instance gets its own copies, pointing back at it, so that rendering a
        # rendition (its alt text comes from the image) never loads the image again, and
        # Wagtail can append renditions it creates to this instance's list.
        renditions = []
        for rendition in by_image[image.pk]:
            rendition = copy.copy(rendition)
            rendition.image = image
            renditions.append(rendition)
        image.prefetched_renditions = renditions

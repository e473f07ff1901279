"""Admin endpoint for the hotspot editor: the large preview of a chosen screenshot."""

from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.permissions import policy_registry

PREVIEW_FILTER = "max-800x800"


@require_GET
def image_preview(request, image_id: int):
    """``{"url", "width", "height"}`` of the screenshot's editor-sized rendition.

    Wagtail's admin URL wrapper already requires admin access; on top of that the user must be
    allowed to choose this image, as in the image chooser itself.
    """
    image_model = get_image_model()
    image = image_model.objects.filter(pk=image_id).first()
    if image is None:
        return JsonResponse({"error": _("There is no such image.")}, status=404)
    if not policy_registry.get_by_type(image_model).user_has_permission_for_instance(
        request.user, "choose", image
    ):
        return JsonResponse({"error": _("You may not use this image.")}, status=403)
    try:
        rendition = image.get_rendition(PREVIEW_FILTER)
    except SourceImageIOError:
        return JsonResponse({"error": _("The image file is missing.")}, status=404)
    return JsonResponse(
        {"url": rendition.url, "width": rendition.width, "height": rendition.height, "title": image.title}
    )


urlpatterns = [
    path("quizzes/image-preview/<int:image_id>/", image_preview, name="quizzes_hotspot_image_preview"),
]

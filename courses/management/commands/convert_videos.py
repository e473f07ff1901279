"""`manage.py convert_videos`: queue the phone versions of video documents that have none (videos uploaded
before conversion existed, or while no worker ran), or with --again of every video, e.g. after ffmpeg was
installed."""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model

from courses.blocks import VIDEO_EXTENSIONS
from courses.models import VideoConversion
from courses.services import video_conversion_request


class Command(BaseCommand):
    help = "Queue phone versions of trainers' videos (run by the background worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--again",
            action="store_true",
            help="Convert every video again, also those converted or failed (e.g. after installing ffmpeg).",
        )

    def handle(self, *args, again=False, **options):
        documents = get_document_model().objects.order_by("pk")
        queued = 0
        for document in documents.iterator():
            if document.file_extension.lower() not in VIDEO_EXTENSIONS:
                continue
            before = (
                VideoConversion.objects.filter(document=document)
                .values_list("requested_at", flat=True)
                .first()
            )
            conversion = video_conversion_request(document=document, force=again)
            if conversion is not None and conversion.requested_at != before:
                queued += 1
        self.stdout.write(f"{queued} video(s) queued for conversion.")

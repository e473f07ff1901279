"""Background tasks of the courses app, on the "background" queue (`db_worker --backend background`)."""

from django_tasks import task

from courses import services


@task(backend="background")
def convert_video(*, document_id: int, source_hash: str) -> str:
    """Make the phone versions of a video document's file (courses.services.video_conversion_run)."""
    return services.video_conversion_run(document_id=document_id, source_hash=source_hash)

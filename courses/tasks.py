"""Background tasks of the courses app, on the background backend's "videos" queue, which a worker of its own
runs (`db_worker --backend background --queue-name videos`, README "Background work")."""

from django_tasks import task

from courses import services


@task(backend="background", queue_name="videos")
def convert_video(*, document_id: int, source_hash: str) -> str:
    """Make the phone versions of a video document's file (courses.services.video_conversion_run)."""
    return services.video_conversion_run(document_id=document_id, source_hash=source_hash)

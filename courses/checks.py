"""System checks of the courses app."""

from django.core import checks

from courses.media_files import ffmpeg_available


@checks.register()
def ffmpeg_installed(app_configs=None, **kwargs):
    if ffmpeg_available():
        return []
    return [
        checks.Warning(
            "ffmpeg is not installed: trainers' videos are not converted for phones and lessons play the "
            "original files.",
            hint="Install Debian's ffmpeg package (apt-get install ffmpeg), then run "
            "`manage.py convert_videos --again` for the videos uploaded meanwhile.",
            id="courses.W001",
        )
    ]

from wagtail import hooks

from scorm.personal_data import scorm_personal_data


@hooks.register("register_personal_data")
def add_scorm_attempts_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return scorm_personal_data(user)

from wagtail import hooks

from notifications.personal_data import notification_personal_data

# A section of the person's own data download (progress.exports).
hooks.register("register_personal_data", notification_personal_data)

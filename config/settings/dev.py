"""Local development: `make run`. Never used in production (wsgi.py defaults to production)."""

from .base import *  # noqa: F403
from .base import BACKGROUND_QUEUES, TASKS, env, env_list

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
DEMO_ACCOUNTS_ALLOWED = True

# Serve static files straight from the source folders, picking up edits without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Background tasks run at once, in the request, unless DEV_TASK_QUEUE=database (then run
# `manage.py db_worker --backend background` beside `make run`). `make run` starts no worker, and the
# sign-in and reset codes are texted from this queue: this way a code reaches the console backend's
# log line in the runserver terminal as soon as "获取验证码" is tapped, through the same code path as
# production, with no development-only branch in the views.
if env("DEV_TASK_QUEUE", "immediate") != "database":
    TASKS = {
        **TASKS,
        "background": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": BACKGROUND_QUEUES,
        },
    }

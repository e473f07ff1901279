"""Background tasks of the accounts app."""

from django_tasks import task

from core import sms


@task(backend="background")
def send_text_message(*, mobile: str, template: str, text: str, params: dict) -> str:
    """Send one text message (core.sms); a failure the provider says may pass is retried by the queue."""
    return sms.send(sms.TextMessage(mobile=mobile, template=template, text=text, params=params))

"""An email backend that fails like a mail server going away after a few messages."""

from django.core.mail.backends.locmem import EmailBackend


class CrashAfterBackend(EmailBackend):
    remaining = 0  # messages accepted before the crash; set by the test

    def send_messages(self, messages):
        if CrashAfterBackend.remaining <= 0:
            raise ConnectionResetError("the mail server went away")
        CrashAfterBackend.remaining -= len(messages)
        return super().send_messages(messages)

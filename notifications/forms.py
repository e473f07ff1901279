from django import forms

from notifications import channels
from notifications.models import Delivery, ReminderPreference

EMAIL_FIELDS = [
    "email_course_assigned",
    "email_session",
    "email_due_soon",
    "email_overdue",
    "email_certificate_expiring",
]


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = [*EMAIL_FIELDS, "email_digest", "sms", "wecom"]

    def __init__(self, *args, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not manager:
            del self.fields["email_digest"]  # only managers get the weekly digest
        # Channels the organisation does not use are not offered (in-app is not a choice: always on).
        for key in ("sms", "wecom"):
            if not channels.CHANNELS[Delivery.Channel(key)].enabled():
                del self.fields[key]

    def email_fields(self):
        return [self[name] for name in self.fields if name.startswith("email_")]

    def channel_fields(self):
        return [self[name] for name in ("sms", "wecom") if name in self.fields]

from django import forms

from notifications.models import ReminderPreference


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["email_due_soon", "email_overdue", "email_certificate_expiring", "email_digest"]

    def __init__(self, *args, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not manager:
            del self.fields["email_digest"]  # only managers get the weekly digest

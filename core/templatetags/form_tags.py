from django import template

register = template.Library()


@register.simple_tag
def field_widget(field):
    """Render a form field's widget tied to its help text and error for screen readers."""
    attrs = {"class": "field__input"}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.id_for_label}-help")
    if field.errors:
        described_by.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)

"""Chinese for the few Wagtail strings that are not translatable upstream (not in gettext at all).

Missing *translations* of translatable strings live in locale_upstream/ (see README, Translations).
What is here are strings Wagtail never passes through gettext, so no catalogue can reach them:

- ImageBlock names its chooser child by its field name, so the lesson editor and the block preview say
  "Image" in English: the child gets Wagtail's own translated "Image" label instead
  (``relabel_image_blocks``, run from CoreConfig.ready()).
- The slim header's ``<nav aria-label="Actions">`` is written into Wagtail's template
  (wagtailadmin/shared/headers/_actions.html): core/templates overrides it with ``{% translate %}``;
  tests/test_upstream_translations.py checks the override still matches Wagtail's template otherwise.
- Wagtail's admin sign-in form has a password field without a label ("Password" in English):
  ``label_admin_sign_in`` gives it Django's translated one.
- The link chooser's forms (external, anchor, e-mail, phone link) have fields without labels, which
  Django derives from the field names in English ("Link text", "Phone number"): ``label_link_choosers``
  gives them translatable ones.
- The filter panel (wagtailadmin/shared/headers/_filters.html) makes a menu entry of every field of a
  filter form, hidden ones too, labelled "[invalid name]" by django-filter: the override lists the
  visible fields and carries the hidden ones (the reports' place in the tree) as plain inputs.
"""

from django.utils.translation import gettext_lazy, pgettext_lazy


def relabel_image_blocks() -> None:
    """ImageBlock's chooser child, named "image", labelled with Wagtail's translated "Image" (an
    explicit label is kept), in every block definition and every model's StreamField. Blocks are built
    when the models are imported, so this walks the finished block trees rather than wrapping a
    constructor. Idempotent."""
    from django.apps import apps
    from wagtail.blocks.base import Block
    from wagtail.fields import StreamField
    from wagtail.images.blocks import ImageChooserBlock

    def walk(block, seen):
        if id(block) in seen:
            return
        seen.add(id(block))
        if isinstance(block, ImageChooserBlock) and block.name == "image" and block.label == "Image":
            block.label = gettext_lazy("Image")  # derived from the field name by Wagtail, untranslatable
        for child in getattr(block, "child_blocks", {}).values():
            walk(child, seen)
        if getattr(block, "child_block", None) is not None:
            walk(block.child_block, seen)

    seen: set[int] = set()
    # The definitions (what the block preview looks up) and the copies each StreamField holds.
    for block in list(Block.definition_registry.values()):
        walk(block, seen)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                walk(field.stream_block, seen)


LINK_CHOOSER_LABELS = {
    "link_text": pgettext_lazy("link chooser", "Link text"),
    "email_address": gettext_lazy("Email address"),  # Wagtail's own, translated
    "subject": pgettext_lazy("link chooser", "Subject"),
    "body": pgettext_lazy("link chooser", "Body"),
    "phone_number": pgettext_lazy("link chooser", "Phone number"),
}


def label_link_choosers() -> None:
    """Translatable labels for the fields of Wagtail's link chooser forms that have none."""
    from wagtail.admin.forms import choosers

    for form in (
        choosers.ExternalLinkChooserForm,
        choosers.AnchorLinkChooserForm,
        choosers.EmailLinkChooserForm,
        choosers.PhoneLinkChooserForm,
    ):
        for name, field in form.base_fields.items():
            if field.label is None and name in LINK_CHOOSER_LABELS:
                field.label = LINK_CHOOSER_LABELS[name]


def label_admin_sign_in() -> None:
    """Wagtail's admin sign-in form declares its password field without a label, so Django derives an
    English "Password" from the field name: it gets Django's own translated one."""
    from wagtail.admin.forms.auth import LoginForm

    field = LoginForm.base_fields["password"]
    if field.label is None:
        field.label = gettext_lazy("Password")

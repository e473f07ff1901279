from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page

from core import content_cache
from core.routing import CachedViewRestrictionsMixin, remember_route, route_by_url_path

# Extension point: the content apps fill the home page (the courses app adds its newest courses as
# ``courses``) without core importing them. Each hook is called as hook(request, page, context).
HOME_PAGE_CONTEXT_HOOK = "frontline_home_page_context"


class CustomImage(AbstractImage):
    """The site's image model, ours from day one so fields can be added without a data move."""

    caption = models.CharField(_("caption"), max_length=255, blank=True)

    admin_form_fields = Image.admin_form_fields + ("caption",)

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site's front page: a welcome and the courses to start with."""

    intro = models.CharField(
        _("introduction"),
        max_length=255,
        blank=True,
        help_text=_("One or two sentences under the site name."),
    )
    body = RichTextField(_("body"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    featured_count = models.PositiveSmallIntegerField(
        _("number of courses shown"), default=6, help_text=_("Newest courses shown on the home page.")
    )

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("featured_count"),
    ]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # Wagtail walks the tree one level at a time (two queries a level). Our pages route
        # by plain URL path, so resolve the deepest page in one query and let it finish.
        if not path_components:
            result = super().route(request, path_components)
            remember_route(request, result)
            return result
        return route_by_url_path(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        for extend in hooks.get_hooks(HOME_PAGE_CONTEXT_HOOK):
            extend(request, self, context)
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """What the organisation running this site says about itself."""

    organisation_name = models.CharField(
        _("issuing organisation"),
        max_length=120,
        blank=True,
        help_text=_("Shown in the footer and printed on certificates."),
    )
    logo = models.ForeignKey(
        CustomImage,
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Printed at the top left of certificates. A PNG with a transparent background looks best."
        ),
    )
    seal = models.ForeignKey(
        CustomImage,
        verbose_name=_("seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The organisation's seal, printed beside “Issued by” on certificates. A square PNG with a "
            "transparent background looks best."
        ),
    )
    help_contact = models.CharField(
        _("help contact"),
        max_length=200,
        blank=True,
        help_text=_("Who learners call or message when they are stuck, e.g. a phone number."),
    )
    footer_note = models.CharField(_("footer note"), max_length=255, blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("logo"),
                FieldPanel("seal"),
                FieldPanel("help_contact"),
                FieldPanel("footer_note"),
            ],
            heading=_("Organisation"),
        )
    ]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def for_site(cls, site):
        # Read on every page for the footer; cached until anything is published or edited.
        return content_cache.get_or_build(
            ("site-settings", site.pk), lambda: super(SiteSettings, cls).for_site(site)
        )

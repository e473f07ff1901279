"""Reads of certificates. Each is one query (the artwork: the site settings and two renditions)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from certificates.codes import code_is_well_formed, code_normalize
from certificates.models import Certificate, CertificateState
from core.models import SiteSettings

# What the verification page may read: nothing of the holder beyond the name snapshot.
VERIFICATION_FIELDS = (
    "code",
    "completed_at",
    "holder_name",
    "course_title",
    "organisation_name",
    "expires_at",
    "revoked_at",
)
_NO_SUCH_CODE = "-" * 16  # never stored: codes use letters and digits only


def certificates_of(*, learner) -> QuerySet[Certificate]:
    """The learner's certificates, newest completion first."""
    return Certificate.objects.filter(learner=learner).order_by("-completed_at", "-pk")


def certificate_of_completion(*, completion) -> Certificate | None:
    """The certificate a course completion gave (revoked or not), or None while it is not issued: one
    query."""
    return Certificate.objects.filter(completion=completion).first()


def certificate_for_viewer(*, code: str, user) -> Certificate | None:
    """A certificate its holder (or a superuser) may open; None for anyone else, so that a
    stranger cannot tell a certificate that exists from one that does not."""
    if not getattr(user, "is_authenticated", False):
        return None
    certificates = Certificate.objects.filter(code=code)
    if not user.is_superuser:
        certificates = certificates.filter(learner=user)
    return certificates.first()


def certificate_for_verification(*, code: str) -> Certificate | None:
    """One indexed lookup whatever was typed, so a malformed code costs the same as a real one."""
    lookup = code if code_is_well_formed(code) else _NO_SUCH_CODE
    return Certificate.objects.filter(code=lookup).only(*VERIFICATION_FIELDS).first()


def certificates_expiring(*, within_days: int, now=None) -> QuerySet[Certificate]:
    """Certificates that are valid now and expire within ``within_days`` days, soonest first —
    for reminders and re-assignment before they lapse.

    Leaves out certificates already replaced by a newer, unrevoked certificate for the same course
    that is still valid then (the person has re-trained)."""
    now = now or timezone.now()
    until = now + timedelta(days=within_days)
    renewed = Certificate.objects.filter(
        learner_id=OuterRef("learner_id"),
        course_id=OuterRef("course_id"),
        completed_at__gt=OuterRef("completed_at"),
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until))
    return (
        Certificate.objects.filter(revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=until)
        .exclude(Exists(renewed))
        .select_related("learner")
        .order_by("expires_at", "pk")
    )


def certificates_in_state(
    certificates: QuerySet[Certificate], state: str, *, now=None
) -> QuerySet[Certificate]:
    """Those of ``certificates`` in ``state`` now (a ``CertificateState``, as ``Certificate.state``
    tells one certificate); any other value leaves them all."""
    now = now or timezone.now()
    if state == CertificateState.REVOKED:
        return certificates.filter(revoked_at__isnull=False)
    if state == CertificateState.EXPIRED:
        return certificates.filter(revoked_at__isnull=True, expires_at__lte=now)
    if state == CertificateState.VALID:
        return certificates.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
        )
    return certificates


def certificates_matching(certificates: QuerySet[Certificate], query: str) -> QuerySet[Certificate]:
    """Those of ``certificates`` whose holder name or course title contains ``query``, or whose code
    contains it however it was typed (from four letters or digits)."""
    query = query.strip()
    condition = Q(holder_name__icontains=query) | Q(course_title__icontains=query)
    code = code_normalize(query)
    if len(code) >= 4:
        condition |= Q(code__contains=code)
    return certificates.filter(condition)


@dataclass(frozen=True)
class Artwork:
    """The issuing organisation's logo and seal (site settings), as PNG bytes for the PDF."""

    logo: bytes | None = None
    seal: bytes | None = None


ARTWORK_RENDITION = "max-600x600|format-png"


def certificate_artwork(certificate: Certificate) -> Artwork:
    """The logo and seal of the site the certificate's course is on (else the default site). An image
    whose file is gone is left out rather than breaking the certificate."""
    course = Page.objects.filter(pk=certificate.course_id).first() if certificate.course_id else None
    site = (course.get_site() if course else None) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return Artwork()
    site_settings = SiteSettings.for_site(site)
    return Artwork(logo=_png(site_settings.logo), seal=_png(site_settings.seal))


def _png(image) -> bytes | None:
    if image is None:
        return None
    try:
        rendition = image.get_rendition(ARTWORK_RENDITION)
        with rendition.file.open("rb") as file:
            return file.read()
    except (OSError, ValueError):
        return None

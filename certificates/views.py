"""Learner pages (my certificates, one certificate, its PDF) and the public verification page.

None of these pages goes through the page cache (no ``page_cache_key``) and every response is
``no-store``: a certificate is personal, and a revocation must show on the very next request.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from certificates import selectors, throttle
from certificates.codes import code_display, code_is_well_formed, code_normalize
from certificates.masking import mask_name
from certificates.pdf import certificate_pdf
from certificates.qr import certificate_qr, qr_svg, verification_url

NOINDEX = "noindex, nofollow, noarchive"


def _viewable(request, code: str):
    certificate = selectors.certificate_for_viewer(code=code_normalize(code), user=request.user)
    if certificate is None:
        raise Http404
    return certificate


@require_GET
@never_cache
@login_required
def my_certificates(request):
    certificates = list(selectors.certificates_of(learner=request.user))
    return render(request, "certificates/my_certificates.html", {"certificates": certificates})


@require_GET
@never_cache
@login_required
def certificate_detail(request, code: str):
    certificate = _viewable(request, code)
    if code != certificate.display_code:
        return redirect("certificates:detail", code=certificate.display_code)
    url = verification_url(certificate, request)
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "state": certificate.state(),
            "verify_url": url,
            "qr_svg": qr_svg(certificate_qr(url), title=_("QR code of the verification page")),
        },
    )


@require_GET
@never_cache
@login_required
def certificate_pdf_download(request, code: str):
    certificate = _viewable(request, code)
    artwork = selectors.certificate_artwork(certificate)
    body = certificate_pdf(
        certificate, verify_url=verification_url(certificate, request), logo=artwork.logo, seal=artwork.seal
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.display_code}.pdf"'
    response["X-Robots-Tag"] = NOINDEX
    return response


def _verification_response(request, context, status=200):
    response = render(request, "certificates/verify.html", context, status=status)
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_GET
@never_cache
def verify_form(request):
    """Type a code (from a printout) and go to its verification page."""
    typed = request.GET.get("code")
    error = ""
    if typed is not None:
        code = code_normalize(typed)
        if code_is_well_formed(code):
            return redirect("certificates:verify", code=code_display(code))
        error = (
            _("Enter the code printed on the certificate.")
            if not code
            else _("A verification code has 16 letters and digits, e.g. ABCD-EFGH-JKLM-NPQR.")
        )
    return _verification_response(
        request, {"typed": typed or "", "error": error, "looked_up": False}, status=400 if error else 200
    )


@require_GET
@never_cache
def verify(request, code: str):
    """Whether the certificate with this code is valid, expired or revoked — or does not exist."""
    normalized = code_normalize(code)
    if code_is_well_formed(normalized) and code != code_display(normalized):
        return redirect("certificates:verify", code=code_display(normalized))
    if not throttle.verification_allowed(request):
        minutes = max(1, throttle.window_seconds() // 60)
        context = {
            "typed": code,
            "looked_up": False,
            "throttled": True,
            "error": _(
                "Too many verification requests from your network. Please try again in %(minutes)d minutes."
            )
            % {"minutes": minutes},
        }
        response = _verification_response(request, context, status=429)
        response["Retry-After"] = str(throttle.window_seconds())
        return response
    certificate = selectors.certificate_for_verification(code=normalized)
    context = {
        "typed": code_display(normalized) if normalized else code,
        "looked_up": True,
        "certificate": certificate,
        "state": certificate.state() if certificate else None,
        "masked_name": mask_name(certificate.holder_name) if certificate else "",
        "verify_form_url": reverse("certificates:verify_form"),
    }
    return _verification_response(request, context, status=200 if certificate else 404)

"""Public pages (no login): the verification of a licence query certificate.

Anyone holding a certificate (the traffic police, the applicant) can check that it is genuine with
its number and verification code. The answer is only: valid or not, the issue date and the result;
never a name or an identity number. Attempts are limited per client address.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.template.response import TemplateResponse

from jindu.common import audit
from jindu.common.middleware import client_ip

from .forms import VerifyForm
from .services import certificate_verify

ATTEMPTS_PER_HOUR = 60


def _throttled(request):
    key = "persons.verify." + client_ip(request)
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    return count > ATTEMPTS_PER_HOUR


@login_not_required
def certificate_verify_view(request):
    form = VerifyForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        if _throttled(request):
            return TemplateResponse(request, "persons/verify.html", {**context, "throttled": True}, status=429)
        valid, certificate = certificate_verify(form.cleaned_data["number"], form.cleaned_data["code"])
        audit.log("persons.licencecertificate.verified", object_type="persons.licencecertificate",
                  object_id=str(certificate.pk) if certificate else "", object_repr=form.cleaned_data["number"][:32],
                  extra={"valid": valid})
        context.update({"checked": True, "valid": valid,
                        "issued_on": certificate.issued_on if valid else None,
                        "result": certificate.get_result_display() if valid else None})
    return TemplateResponse(request, "persons/verify.html", context)

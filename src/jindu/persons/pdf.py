"""The licence query certificate (驾驶证涉毒查询证明) as PDF, rendered by WeasyPrint from a template,
in Chinese with Noto CJK, the office name, and a QR code that opens the public verification page."""

import base64
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils import translation


def qr_data_uri(text):
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def office_name(region):
    """西藏自治区禁毒委员会办公室 for the root; "<prefecture/county> 禁毒委员会办公室" below it."""
    return f"{region.name_zh}禁毒委员会办公室"


def certificate_pdf(certificate, verify_url):
    from weasyprint import HTML

    link = "{}?{}".format(verify_url, urlencode({"number": certificate.number, "code": certificate.verification_code}))
    with translation.override("zh-hans"):
        html = render_to_string("persons/certificate_pdf.html", {
            "c": certificate, "office": office_name(certificate.region), "qr": qr_data_uri(link),
            "verify_url": verify_url,
        })
    return HTML(string=html).write_pdf()

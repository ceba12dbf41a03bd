"""The commercial invoice of a parcel (its customs declaration) as a PDF, drawn with ReportLab."""

import io

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bidangil.money import format_usd_cents
from commerce.shipping.models import Parcel

ADDRESS_KEYS = ("name", "line1", "line2", "city", "state", "postal_code", "country", "phone")


def _address_lines(address: dict) -> list[str]:
    return [str(address[key]) for key in ADDRESS_KEYS if address.get(key)]


def commercial_invoice_pdf(parcel: Parcel) -> bytes:
    """One A4 page per ~30 lines: shipper, consignee, orders, the declaration lines and their total (lines, orders
    and shipment loaded)."""
    styles = getSampleStyleSheet()
    orders = list(parcel.orders.all())
    consignee = orders[0].shipping_address if orders else {}
    shipment = getattr(parcel, "shipment", None)  # a missing reverse one-to-one is an AttributeError too
    lines = list(parcel.customs_lines.all())
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"Commercial invoice CI-P{parcel.pk}", author=settings.WAGTAIL_SITE_NAME
    )
    parties = Table(
        [
            [Paragraph("<b>Shipper</b>", styles["Normal"]), Paragraph("<b>Consignee</b>", styles["Normal"])],
            [
                Paragraph("<br/>".join(settings.WAREHOUSE_ADDRESS.splitlines()), styles["Normal"]),
                Paragraph("<br/>".join(_address_lines(consignee)), styles["Normal"]),
            ],
        ],
        colWidths=[90 * mm, 90 * mm],
    )
    rows = [["Description", "HS code", "Origin", "Qty", "Unit value", "Total"]]
    rows += [
        [
            Paragraph(line.description, styles["Normal"]),
            line.hs_code,
            line.origin_country,
            str(line.quantity),
            format_usd_cents(line.unit_value_cents),
            format_usd_cents(line.total_cents),
        ]
        for line in lines
    ]
    rows.append(["", "", "", "", "Total (USD)", format_usd_cents(sum(line.total_cents for line in lines))])
    table = Table(rows, colWidths=[70 * mm, 24 * mm, 14 * mm, 12 * mm, 28 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -2), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
                ("FONTNAME", (4, -1), (-1, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    facts = [
        f"Invoice CI-P{parcel.pk} · {timezone.localdate():%Y-%m-%d}",
        "Orders: " + ", ".join(order.number for order in orders),
        f"Tracking: {shipment.get_carrier_display()} {shipment.tracking_number}" if shipment else "",
        f"Gross weight: {parcel.weight_g} g" if parcel.weight_g else "",
        "Reason for export: personal purchase, goods bought in Korea for the consignee. Currency: USD.",
    ]
    story = [Paragraph("COMMERCIAL INVOICE", styles["Title"]), parties, Spacer(1, 6 * mm)]
    story += [Paragraph(fact, styles["Normal"]) for fact in facts if fact]
    story += [Spacer(1, 6 * mm), table, Spacer(1, 10 * mm)]
    story.append(Paragraph("I declare that the information above is true and correct.", styles["Normal"]))
    document.build(story)
    return buffer.getvalue()


def invoice_response(parcel: Parcel) -> HttpResponse:
    """The PDF as a download, never cached (it carries the customer's address)."""
    response = HttpResponse(commercial_invoice_pdf(parcel), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="commercial-invoice-P{parcel.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

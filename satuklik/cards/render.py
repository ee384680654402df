"""The eCard as an inline SVG QR code (web page), a PNG (Pillow) and a PDF (reportlab).

The card is drawn at the ID-1 size of a plastic card (85.6 x 54 mm): 1012 x 638 px
for the PNG (300 dpi), the same size in points for the PDF page. It shows what the
web card shows and nothing more.
"""

import io

import segno
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

CARD_MM = (85.6, 54.0)
PNG_SIZE = (1012, 638)


def _qr(url: str):
    # Medium error correction (15 %): survives a scratched screen, stays small.
    return segno.make(url, error="m", boost_error=False)


def qr_svg(url: str) -> str:
    """An inline <svg> of the QR code, so the card page needs no other request offline."""
    return _qr(url).svg_inline(scale=4, border=2, title=_("QR code of the card"))


def _hex_to_rgb(value: str, fallback=(179, 0, 27)):
    value = (value or "").lstrip("#")
    if len(value) != 6:
        return fallback
    try:
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return fallback


def _lines(card):
    """(label, value) pairs printed on the card, in order."""
    until = date_format(card.valid_until, "d/m/Y") if card.valid_until else _("ongoing")
    lines = [
        (_("Participant number"), card.member.participant_number),
        (_("Policy number"), card.policy.number),
        (_("Employer"), card.employer),
        (_("Plan"), card.plan_name),
        (_("Valid"), f"{date_format(card.valid_from, 'd/m/Y')} - {until}"),
    ]
    return [(label, value) for label, value in lines if value]


def card_png(card, url: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    brand = settings.BRAND
    width, height = PNG_SIZE
    image = Image.new("RGB", PNG_SIZE, "white")
    draw = ImageDraw.Draw(image)
    primary = _hex_to_rgb(brand["PRIMARY_COLOR"])
    dark = _hex_to_rgb(brand["PRIMARY_DARK_COLOR"], fallback=primary)
    title = ImageFont.load_default(size=44)
    name_font = ImageFont.load_default(size=46)
    label_font = ImageFont.load_default(size=24)
    value_font = ImageFont.load_default(size=30)
    small = ImageFont.load_default(size=22)

    draw.rectangle([0, 0, width, 120], fill=primary)
    draw.rectangle([0, 112, width, 120], fill=dark)
    draw.text((40, 30), brand["APP_NAME"], font=title, fill="white")
    draw.text((width - 40, 44), brand["INSURER_NAME"], font=small, fill="white", anchor="ra")
    draw.text((40, 145), card.member.full_name, font=name_font, fill=(27, 27, 31))

    y = 215
    for label, value in _lines(card):
        draw.text((40, y), label, font=label_font, fill=(85, 85, 95))
        draw.text((40, y + 26), value[:38], font=value_font, fill=(27, 27, 31))
        y += 68

    qr_buffer = io.BytesIO()
    _qr(url).save(qr_buffer, kind="png", scale=10, border=2)
    qr_image = Image.open(io.BytesIO(qr_buffer.getvalue())).convert("RGB")
    side = 360
    qr_image = qr_image.resize((side, side), Image.NEAREST)
    image.paste(qr_image, (width - side - 36, 150))
    draw.text(
        (width - 36 - side // 2, 150 + side + 12),
        _("Card version %(serial)s") % {"serial": card.serial},
        font=small,
        fill=(85, 85, 95),
        anchor="ma",
    )
    draw.text((40, height - 40), brand["CALL_CENTER"], font=small, fill=(85, 85, 95))

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def card_pdf(card, url: str) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    brand = settings.BRAND
    width, height = CARD_MM[0] * mm, CARD_MM[1] * mm
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"{brand['APP_NAME']} eCard {card.member.participant_number}")
    pdf.setAuthor(brand["INSURER_NAME"])

    try:
        primary = HexColor(brand["PRIMARY_COLOR"])
    except ValueError:
        primary = HexColor("#b3001b")
    pdf.setFillColor(primary)
    pdf.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(4 * mm, height - 7.5 * mm, brand["APP_NAME"])
    pdf.setFont("Helvetica", 5.5)
    pdf.drawRightString(width - 4 * mm, height - 7 * mm, brand["INSURER_NAME"])

    pdf.setFillColorRGB(0.1, 0.1, 0.12)
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(4 * mm, height - 17 * mm, card.member.full_name[:34])
    y = height - 22 * mm
    for label, value in _lines(card):
        pdf.setFont("Helvetica", 4.8)
        pdf.setFillColorRGB(0.33, 0.33, 0.37)
        pdf.drawString(4 * mm, y, label)
        pdf.setFont("Helvetica-Bold", 6.2)
        pdf.setFillColorRGB(0.1, 0.1, 0.12)
        pdf.drawString(4 * mm, y - 2.6 * mm, value[:40])
        y -= 6 * mm

    # The QR code as vector squares: sharp at any print size.
    qr = _qr(url)
    modules = list(qr.matrix_iter(scale=1, border=2))
    side = 30 * mm
    module = side / len(modules)
    left, top = width - side - 3 * mm, height - 13 * mm
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(left, top - side, side, side, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(modules):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(left + col_index * module, top - (row_index + 1) * module, module, module, stroke=0, fill=1)
    pdf.setFont("Helvetica", 4.5)
    pdf.setFillColorRGB(0.33, 0.33, 0.37)
    pdf.drawCentredString(
        left + side / 2, top - side - 2.5 * mm, _("Card version %(serial)s") % {"serial": card.serial}
    )
    pdf.drawString(4 * mm, 3 * mm, brand["CALL_CENTER"])
    pdf.showPage()
    pdf.save()
    return out.getvalue()

"""The printable PDF certificate: who earned what from whom, when, and a QR code that leads to
the live verification page.  The signed credential itself is attached to the PDF (as
``credential.json``), so the file carries the proof and any OB 3.0 verifier can check it.

Drawn with fpdf2; the QR code comes from segno.  Text uses DejaVu Sans when the system has it
(every script it covers prints), else the PDF core font with what Latin-1 can show.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from fpdf import FPDF

from insignia.web.sharing.cards import font_path

ATTACHMENT_NAME = "credential.json"
BRAND = (55, 48, 163)
INK = (26, 29, 51)
MUTED = (79, 85, 112)


@dataclass(frozen=True, slots=True)
class CertificateContent:
    holder_name: str
    badge_name: str
    description: str
    kind: str
    issuer_name: str
    issued: date
    expires: date | None
    verify_url: str
    credential_id: str
    credential_json: bytes
    badge_png: bytes | None = None
    skills: list[str] = field(default_factory=list)


def qr_png(url: str, *, scale: int = 10) -> bytes:
    """A QR code of ``url`` as a PNG (error correction M, the standard quiet zone)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.set_auto_page_break(auto=False)
        regular, bold = font_path(False), font_path(True)
        if regular and bold:
            self.add_font("DejaVu", "", regular)
            self.add_font("DejaVu", "B", bold)
            self.family_name = "DejaVu"
            self.unicode = True
        else:
            self.family_name = "Helvetica"
            self.unicode = False

    def text_of(self, value: str) -> str:
        """``value`` as the current font can print it."""
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.set_text_color(*colour)

    def centred(self, y: float, text: str, *, height: float) -> None:
        self.set_xy(20, y)
        self.multi_cell(self.w - 40, height, self.text_of(text), align="C")


def _title(pdf: _Certificate, content: CertificateContent) -> None:
    """Frame, issuer, holder, badge, description and skills."""
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.use(14, bold=True, colour=BRAND)
    pdf.centred(24, content.issuer_name, height=7)
    pdf.use(11, colour=MUTED)
    pdf.centred(34, f"CERTIFICATE · {content.kind.upper()}", height=6)
    pdf.use(13)
    pdf.centred(48, "This certifies that", height=7)
    pdf.use(30, bold=True)
    pdf.centred(57, content.holder_name or "The holder", height=13)
    pdf.use(13)
    pdf.centred(pdf.get_y() + 2, "has earned", height=7)
    pdf.use(22, bold=True, colour=BRAND)
    pdf.centred(pdf.get_y() + 1, content.badge_name, height=10)
    description = content.description.strip()
    if len(description) > 320:
        description = description[:317].rsplit(" ", 1)[0] + "…"
    pdf.use(10, colour=MUTED)
    pdf.set_xy(45, pdf.get_y() + 3)
    pdf.multi_cell(pdf.w - 90, 5, pdf.text_of(description), align="C")
    if content.skills:
        pdf.use(9, colour=MUTED)
        pdf.set_xy(45, pdf.get_y() + 2)
        skills = "Skills: " + " · ".join(content.skills[:6])
        pdf.multi_cell(pdf.w - 90, 4.5, pdf.text_of(skills), align="C")


def _footer(pdf: _Certificate, content: CertificateContent) -> None:
    """Badge image, dates, identifier, and the QR code leading to the verification page."""
    top = pdf.h - 62
    if content.badge_png:
        pdf.image(
            io.BytesIO(content.badge_png),
            x=24,
            y=top,
            w=38,
            h=38,
            keep_aspect_ratio=True,
            alt_text=f"{content.badge_name} badge",
        )
    pdf.use(10.5)
    pdf.set_xy(68, top + 4)
    validity = f"Valid until {_day(content.expires)}" if content.expires else "Does not expire"
    pdf.multi_cell(120, 6, pdf.text_of(f"Issued {_day(content.issued)}\n{validity}"), align="L")
    pdf.use(8, colour=MUTED)
    pdf.set_xy(68, pdf.get_y() + 2)
    pdf.multi_cell(130, 4.2, pdf.text_of(f"Credential {content.credential_id}"), align="L")
    pdf.set_xy(68, pdf.get_y() + 1)
    pdf.multi_cell(
        130,
        4.2,
        pdf.text_of(
            "A signed Open Badges 3.0 credential. The signed credential is attached to this PDF "
            f"({ATTACHMENT_NAME}); any OB 3.0 verifier can check it."
        ),
        align="L",
    )
    size = 36
    qr_x = pdf.w - 24 - size
    pdf.image(
        io.BytesIO(qr_png(content.verify_url)),
        x=qr_x,
        y=top - 4,
        w=size,
        h=size,
        link=content.verify_url,
        alt_text="QR code: scan to verify this badge",
    )
    pdf.use(8.5, bold=True)
    pdf.set_xy(qr_x - 12, top + size - 2)
    pdf.cell(size + 24, 4.5, "Scan to verify", align="C", link=content.verify_url)


def render_certificate(content: CertificateContent, *, now: datetime | None = None) -> bytes:
    """Draw the certificate and attach the credential; returns the PDF bytes."""
    pdf = _Certificate()
    pdf.set_title(f"{content.badge_name} — {content.holder_name}")
    pdf.set_author(content.issuer_name)
    pdf.set_subject(f"Certificate for the Open Badge “{content.badge_name}”")
    pdf.set_keywords("Open Badges 3.0, verifiable credential")
    pdf.set_creator("Insignia")
    pdf.set_lang("en")
    if now is not None:
        pdf.set_creation_date(now)
    pdf.add_page()
    _title(pdf, content)
    _footer(pdf, content)
    pdf.embed_file(
        bytes=content.credential_json,
        basename=ATTACHMENT_NAME,
        desc="The signed Open Badges 3.0 credential",
        mime_type="application/vc+ld+json",
        modification_date=now,
    )
    return bytes(pdf.output())

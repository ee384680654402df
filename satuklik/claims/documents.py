"""Claim documents: what a member may upload, checked by content, and how it is stored.

Rules (docs/claims.md):
- PDF, JPEG, PNG or HEIC/HEIF, recognised by their first bytes ("magic"), never by the
  file name or the browser's Content-Type: an HTML page named receipt.pdf is refused.
- Not empty, at most MAX_FILE_BYTES per file and MAX_CLAIM_BYTES and MAX_DOCUMENTS
  per claim.
- The name the member's device gave is kept for display only (original_name), and must
  be a plain file name (no folders, no "..", no control characters). The stored name is
  random (models.claim_document_path) in the storage backend, never a public folder.
- Images are decoded and re-encoded: what is stored is pixels we wrote ourselves, with
  no EXIF/GPS metadata and no trailing payload; HEIC photos become JPEG (every browser
  and officer can open them), the camera's orientation is applied first.
- Images larger than MAX_PIXELS are refused (decompression bombs).
- PDFs with active content (scripts, embedded files, automatic actions, XFA forms) or
  that pypdf cannot read are refused (claims/pdf_check.py says why refused, not cleaned).
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from satuklik.claims.pdf_check import UnreadablePdf, pdf_active_content

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CLAIM_BYTES = 50 * 1024 * 1024
MAX_DOCUMENTS = 30
# 40 megapixels: more than any phone camera takes; a 1 KB "image" claiming 100,000 x
# 100,000 pixels is refused before it is decoded.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"

ACCEPT = "image/*,application/pdf,.heic,.heif"

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_FORBIDDEN_NAME = re.compile(r"[\\/\x00-\x1f\x7f]")


class DocumentRejected(Exception):
    """The upload is refused; .message says why, in the member's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CheckedDocument:
    content: bytes  # what will be stored (re-encoded for images)
    content_type: str  # of the stored content
    original_name: str
    size: int
    sha256: str


def sniff(head: bytes) -> str | None:
    """The type the first bytes announce, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def clean_original_name(name: str) -> str:
    """The member's file name for display; refuses folders, '..' and control characters."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not name:
        return "document"
    if _FORBIDDEN_NAME.search(name) or name.startswith(".") or ".." in name:
        raise DocumentRejected(_("The file name %(name)s is not allowed: use a plain file name.") % {"name": name[:80]})
    return name[:200]


def _read_limited(upload) -> bytes:
    """Read at most MAX_FILE_BYTES + 1 bytes (never the whole of an oversized upload into memory)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                break
        return b"".join(parts)
    return upload.read(MAX_FILE_BYTES + 1)


def _too_large_message():
    return _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}


def _reencode(data: bytes, kind: str) -> tuple[bytes, str]:
    if kind == HEIC:
        import pillow_heif

        pillow_heif.register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise DocumentRejected(_("The picture is too large (more than 40 megapixels)."))
            image = ImageOps.exif_transpose(probe)
            image.load()
    except DocumentRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DocumentRejected(
            _("The picture could not be read. Take the photo again or choose another file.")
        ) from None
    out = io.BytesIO()
    if kind == PNG:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        # No pnginfo: text chunks and EXIF are not carried over.
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), PNG
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    # No exif= argument: the metadata (GPS position, device) is not carried over.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), JPEG


def check_upload(upload, *, name: str | None = None) -> CheckedDocument:
    """Check one uploaded file and return what to store; raises DocumentRejected with a message."""
    original_name = clean_original_name(name if name is not None else getattr(upload, "name", ""))
    declared = getattr(upload, "size", None)
    if declared is not None and declared > MAX_FILE_BYTES:
        raise DocumentRejected(_too_large_message())
    data = _read_limited(upload)
    if not data:
        raise DocumentRejected(_("The file %(name)s is empty.") % {"name": original_name})
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(_too_large_message())
    kind = sniff(data[:16])
    if kind is None:
        raise DocumentRejected(
            _("%(name)s is not a PDF, JPEG, PNG or HEIC file (its content was checked, not its name).")
            % {"name": original_name}
        )
    if kind == PDF:
        if b"%%EOF" not in data[-1024:]:
            raise DocumentRejected(_("%(name)s is not a complete PDF file.") % {"name": original_name})
        _refuse_active_pdf(data, original_name)
        content, content_type = data, PDF
    else:
        content, content_type = _reencode(data, kind)
        if kind == HEIC:
            stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
            original_name = f"{stem}.jpg"
    return CheckedDocument(
        content=content,
        content_type=content_type,
        original_name=original_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _refuse_active_pdf(data: bytes, original_name: str):
    try:
        active = pdf_active_content(data)
    except UnreadablePdf:
        raise DocumentRejected(
            _("%(name)s could not be read as a PDF (damaged or password-protected). Upload another copy or a photo.")
            % {"name": original_name}
        ) from None
    if active:
        raise DocumentRejected(
            _(
                "%(name)s contains active content (scripts, embedded files or automatic actions), which we do "
                "not accept. Print it to a new PDF or take a photo of it, and upload that."
            )
            % {"name": original_name}
        )


def download_response(document) -> FileResponse:
    """A member's claim document as a download (page and API alike): always an attachment,
    never sniffed, rendered or run in our origin, never kept by a cache."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

"""PDFs with active content are refused with a clear message, decided by pypdf reading
the file (issue 10.3); a plain PDF, and one that only opens at its first page, pass."""

import io

import pytest
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from satuklik.claims.documents import DocumentRejected, check_upload
from satuklik.claims.tests.factories import TINY_PDF, upload


def _pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _js_action():
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _open_action(writer):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action())


def _names_javascript(writer):
    # The document-level scripts: /Root /Names /JavaScript, a name tree of JavaScript actions.
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(_js_action())])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def _launch(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _page_additional_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(_js_action())})


def _embedded_file(writer):
    writer.add_attachment("payload.exe", b"MZ\x90\x00")


def _rich_media(writer):
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/RichMedia"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]),
            NameObject("/RichMediaContent"): DictionaryObject(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _xfa(writer):
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
    )


ACTIVE = {
    "open-action-javascript": _open_action,
    "javascript-name-tree": _names_javascript,
    "launch": _launch,
    "page-open-action": _page_additional_action,
    "embedded-file": _embedded_file,
    "rich-media": _rich_media,
    "xfa-form": _xfa,
}


@pytest.mark.parametrize("kind", ACTIVE)
def test_a_pdf_with_active_content_is_refused_with_a_clear_message(kind):
    data = _pdf(ACTIVE[kind])
    with translation.override("en"), pytest.raises(DocumentRejected) as refused:
        check_upload(upload("kuitansi.pdf", data))
    assert "kuitansi.pdf contains active content" in str(refused.value.message)
    assert "Print it to a new PDF or take a photo" in str(refused.value.message)


def test_the_message_is_in_indonesian_by_default():
    with translation.override("id"), pytest.raises(DocumentRejected) as refused:
        check_upload(upload("kuitansi.pdf", _pdf(_names_javascript)))
    assert "konten aktif" in str(refused.value.message)


def test_a_plain_pdf_and_one_that_opens_at_its_first_page_are_accepted():
    assert check_upload(upload("kuitansi.pdf", TINY_PDF)).content == TINY_PDF

    def open_at_page_one(writer):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")]
        )

    data = _pdf(open_at_page_one)
    assert check_upload(upload("kuitansi.pdf", data)).content_type == "application/pdf"


def test_a_pdf_pypdf_cannot_read_is_refused():
    broken = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    with translation.override("en"), pytest.raises(DocumentRejected) as refused:
        check_upload(upload("kuitansi.pdf", broken))
    assert "could not be read as a PDF" in str(refused.value.message)


@pytest.mark.django_db
def test_the_claim_page_refuses_it_and_keeps_nothing(client):
    from satuklik.claims.models import ClaimDocument
    from satuklik.claims.tests.factories import ClaimFactory, member_user

    user = member_user()
    claim = ClaimFactory(member=user.policy_links.get().member, submitted_by=user, status="DRAFT")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        f"/api/v1/claims/{claim.pk}/documents",
        {"files": [upload("kuitansi.pdf", _pdf(_names_javascript))], "requirement": "RECEIPT"},
    )
    assert response.status_code in (400, 422), response.content
    assert "contains active content" in response.content.decode()
    assert ClaimDocument.objects.filter(claim=claim).count() == 0

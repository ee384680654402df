"""Uploads: type by content, size limits, names, re-encoding, storage and downloads."""

import io
import os

import pytest
from django.core.files.base import File
from django.utils import translation
from PIL import Image

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.accounts.tests.staff import staff_sign_in
from satuklik.claims import documents, services
from satuklik.claims.models import Claim, ClaimDocument
from satuklik.claims.tests.factories import (
    TINY_PDF,
    ClaimDocumentFactory,
    ClaimFactory,
    heic_bytes,
    jpeg_bytes,
    member_user,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in English (the msgids); the default language is Indonesian.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def draft():
    user = member_user()
    claim = ClaimFactory(member=user.policy_links.get().member, status=Claim.Status.DRAFT, submitted_by=user)
    return user, claim


def _files_on_disk(settings):
    root = settings.MEDIA_ROOT
    return sorted(
        os.path.relpath(os.path.join(folder, name), root) for folder, _dirs, names in os.walk(root) for name in names
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "is not a PDF, JPEG, PNG or HEIC"),
        ("empty.pdf", b"", "is empty"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (documents.MAX_FILE_BYTES + 1), "larger than 10 MB"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 10, "could not be read"),
        ("half.pdf", b"%PDF-1.4\n1 0 obj", "not a complete PDF"),
        ("script.exe", b"MZ\x90\x00" + b"\x00" * 100, "is not a PDF, JPEG, PNG or HEIC"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(draft, settings, name, content, message):
    user, claim = draft
    with pytest.raises(services.ClaimError) as caught:
        services.claim_documents_add(claim=claim, user=user, uploads=[upload(name, content)])
    assert message in caught.value.message
    assert caught.value.code == "file_refused"
    assert not ClaimDocument.objects.exists()
    assert _files_on_disk(settings) == []


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "folder/x.pdf", ".htaccess", "x\x00.pdf"])
def test_a_file_name_with_a_path_is_refused(name):
    # Django's own upload parsing already strips folders from a browser's file name; this
    # check refuses them when a file arrives by any other route.
    with pytest.raises(documents.DocumentRejected) as caught:
        documents.check_upload(File(io.BytesIO(TINY_PDF), name=name))
    assert "is not allowed" in str(caught.value.message)


def test_path_in_a_multipart_upload_never_leaves_the_storage_folder(client, draft, settings):
    user, claim = draft
    client.force_login(user)
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="../../x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + TINY_PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.post(
        f"/claims/{claim.pk}/edit/documents/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    document = ClaimDocument.objects.get()
    assert document.original_name == "x.pdf"
    assert ".." not in document.file.name and document.file.name.startswith("claims/")
    assert all(path.startswith("claims") for path in _files_on_disk(settings))


def test_pdf_is_stored_as_sent_under_a_random_name(draft):
    user, claim = draft
    (document,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("Kuitansi Maret.pdf", TINY_PDF)])
    assert document.original_name == "Kuitansi Maret.pdf"
    assert document.content_type == "application/pdf"
    assert document.file.read() == TINY_PDF
    stored = os.path.basename(document.file.name)
    assert "Kuitansi" not in stored and len(stored) >= 30 and stored.endswith(".pdf")
    other = services.claim_documents_add(claim=claim, user=user, uploads=[upload("Kuitansi Maret.pdf", TINY_PDF)])[0]
    assert other.file.name != document.file.name


def test_photo_is_reencoded_without_its_gps_metadata(draft):
    user, claim = draft
    original = jpeg_bytes(exif_gps=True)
    assert b"PhoneMaker" in original
    (document,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("resep.jpg", original)])
    stored = document.file.read()
    assert stored != original
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_heic_photo_becomes_jpeg(draft):
    user, claim = draft
    (document,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("IMG_0001.HEIC", heic_bytes())])
    assert document.content_type == "image/jpeg"
    assert document.original_name == "IMG_0001.jpg"
    assert document.file.read().startswith(b"\xff\xd8\xff")


def test_png_is_kept_as_png(draft):
    user, claim = draft
    (document,) = services.claim_documents_add(claim=claim, user=user, uploads=[upload("scan.png", png_bytes())])
    assert document.content_type == "image/png"
    assert document.file.read().startswith(b"\x89PNG")


def test_image_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels, a few KB
    with pytest.raises(documents.DocumentRejected) as caught:
        documents.check_upload(File(io.BytesIO(out.getvalue()), name="bomb.png"))
    assert "too large" in str(caught.value.message)


def test_per_claim_total_is_limited(draft, settings, monkeypatch):
    user, claim = draft
    # The limit is a constant of the module: lower it for the test rather than upload 50 MB.
    monkeypatch.setattr(documents, "MAX_CLAIM_BYTES", len(TINY_PDF) * 2 + 10)
    services.claim_documents_add(claim=claim, user=user, uploads=[upload("a.pdf", TINY_PDF), upload("b.pdf", TINY_PDF)])
    with pytest.raises(services.ClaimError) as caught:
        services.claim_documents_add(claim=claim, user=user, uploads=[upload("c.pdf", TINY_PDF)])
    assert caught.value.code == "claim_too_large"
    assert ClaimDocument.objects.filter(claim=claim).count() == 2
    assert len(_files_on_disk(settings)) == 2


def test_download_is_an_attachment_for_the_owner(client, draft):
    user, claim = draft
    document = ClaimDocumentFactory(claim=claim, uploaded_by=user)
    client.force_login(user)
    response = client.get(f"/claims/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "kuitansi.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == TINY_PDF


def test_another_member_gets_404_for_the_document_and_claims_staff_may_download(client, draft):
    from django.contrib.auth.models import Group

    from satuklik.core import roles

    user, claim = draft
    document = ClaimDocumentFactory(claim=claim, uploaded_by=user)
    client.force_login(member_user())
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    assert client.get(f"/api/v1/claims/documents/{document.pk}").status_code == 404
    # Staff whose role has nothing to do with claims (content editors) never see medical papers.
    editor = StaffUserFactory()
    editor.groups.add(Group.objects.get(name=roles.CONTENT_EDITOR))
    staff_sign_in(client, editor)
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    assert client.get(f"/api/v1/claims/documents/{document.pk}").status_code == 404
    officer = StaffUserFactory()
    officer.groups.add(Group.objects.get(name=roles.CLAIMS_OFFICER))
    # The password alone is not enough: without the authenticator code the officer is no staff.
    client.force_login(officer)
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    assert client.get(f"/api/v1/claims/documents/{document.pk}").status_code == 404
    staff_sign_in(client, officer)
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 200
    assert client.get(f"/api/v1/claims/documents/{document.pk}").status_code == 200


def test_anonymous_download_goes_to_login(client, draft):
    _user, claim = draft
    document = ClaimDocumentFactory(claim=claim)
    response = client.get(f"/claims/documents/{document.pk}/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_media_is_not_served_under_any_public_url(client, draft, settings):
    user, claim = draft
    document = ClaimDocumentFactory(claim=claim)
    client.force_login(user)
    assert client.get("/" + document.file.name).status_code == 404
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404

from django.urls import path

from satuklik.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_new, name="new"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/edit/", views.edit_details, name="edit-details"),
    path("<int:claim_id>/edit/providers/", views.provider_search, name="provider-search"),
    path("<int:claim_id>/edit/bank/", views.edit_bank, name="edit-bank"),
    path("<int:claim_id>/edit/bank/verify/", views.bank_verify, name="bank-verify"),
    path("<int:claim_id>/edit/documents/", views.edit_documents, name="edit-documents"),
    path("<int:claim_id>/edit/documents/<int:document_id>/remove/", views.document_remove, name="document-remove"),
    path("<int:claim_id>/review/", views.review, name="review"),
    path("<int:claim_id>/delete/", views.draft_delete, name="draft-delete"),
    path("<int:claim_id>/documents/", views.requested_documents_upload, name="upload-requested"),
    path("<int:claim_id>/appeal/", views.claim_appeal, name="appeal"),
    path("<int:claim_id>/letter/", views.decision_letter, name="letter"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
]

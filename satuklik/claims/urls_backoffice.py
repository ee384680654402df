"""The claims officers' back office under /backoffice/claims/."""

from django.urls import path

from satuklik.claims import views_backoffice as views

app_name = "claims-backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("payments/", views.payments_upload, name="payments"),
    path("<int:claim_id>/", views.detail, name="detail"),
    path("<int:claim_id>/start/", views.start_review, name="start"),
    path("<int:claim_id>/request-documents/", views.request_documents, name="request-documents"),
    path("<int:claim_id>/approve/", views.approve, name="approve"),
    path("<int:claim_id>/reject/", views.reject, name="reject"),
    path("<int:claim_id>/paid/", views.mark_paid, name="paid"),
    path("<int:claim_id>/letter/", views.letter, name="letter"),
    path("documents/<int:document_id>/", views.document, name="document"),
]

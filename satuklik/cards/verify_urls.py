"""Public: /verify/public-key(.pem) and /verify/<payload> (what the card's QR code opens)."""

from django.urls import path

from satuklik.cards import views

app_name = "verify"
urlpatterns = [
    path("public-key", views.public_key, name="public-key"),
    path("public-key.pem", views.public_key_pem, name="public-key-pem"),
    path("<str:token>", views.verify, name="check"),
]

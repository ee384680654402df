from django.urls import path

from satuklik.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
]

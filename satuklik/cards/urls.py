from django.urls import path

from satuklik.cards import views

app_name = "cards"
urlpatterns = [
    path("", views.card_list, name="list"),
    path("activate-all/", views.cards_activate_all, name="activate-all"),
    path("<int:member_id>/", views.card_detail, name="detail"),
    path("<int:member_id>/activate/", views.card_activate, name="activate"),
    path("<int:member_id>/card.png", views.card_png, name="png"),
    path("<int:member_id>/card.pdf", views.card_pdf, name="pdf"),
]

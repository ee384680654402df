from django.urls import path

from satuklik.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
]

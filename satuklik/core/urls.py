from django.urls import path

from satuklik.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("offline/", views.offline, name="offline"),
    path("help/", views.help_page, name="help"),
    path("language/", views.set_language, name="set-language"),
]

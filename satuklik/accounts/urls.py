from django.contrib.auth import views as auth_views
from django.urls import path

from satuklik.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/<uuid:challenge_id>/status/", views.otp_status, name="otp-status"),
    path("otp/<uuid:challenge_id>/resend/", views.otp_resend, name="otp-resend"),
]

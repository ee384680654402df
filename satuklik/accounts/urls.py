from django.urls import path

from satuklik.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_choose, name="register"),
    path("register/eula/", views.register_eula, name="register-eula"),
    path("register/channel/", views.register_channel, name="register-channel"),
    path("register/verify/", views.register_verify, name="register-verify"),
    path("register/username/", views.register_username, name="register-username"),
    path("register/password/", views.register_password, name="register-password"),
    path("register/done/", views.register_done, name="register-done"),
    path("register/<slug:policy_slug>/", views.register_details, name="register-details"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/verify/", views.password_reset_verify, name="password-reset-verify"),
    path("password-reset/password/", views.password_reset_password, name="password-reset-password"),
    path("password-reset/done/", views.password_reset_done, name="password-reset-done"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.profile_password, name="profile-password"),
    path("profile/logout-everywhere/", views.profile_logout_everywhere, name="logout-everywhere"),
    path("otp/<uuid:challenge_id>/status/", views.otp_status, name="otp-status"),
    path("otp/<uuid:challenge_id>/resend/", views.otp_resend, name="otp-resend"),
]

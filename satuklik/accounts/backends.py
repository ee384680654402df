"""Log in with any of a person's login names, in any letter case."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from satuklik.accounts.selectors import user_by_login_name


class LoginNameBackend(ModelBackend):
    """ModelBackend (permissions included) that finds the user by LoginName, then username.

    An unknown name still runs the password hasher once, so a wrong username costs the
    same time as a wrong password (Django's ModelBackend does the same).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_by_login_name(name=username)
        if user is None:
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

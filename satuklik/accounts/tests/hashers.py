from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs: the tests hash hundreds of passwords (about 0.5 s each with
    the production parameters on a 2-core machine). Same algorithm name and format."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1

"""gunicorn settings for every way Satuklik is served (scripts/run, production):
`gunicorn -c config/gunicorn.conf.py config.wsgi`.

No "Server: gunicorn" banner: it tells a scanner which server and version to try.
gunicorn has no setting for it, so its response class is narrowed here.
"""

from gunicorn.http import wsgi


class _ResponseWithoutServerBanner(wsgi.Response):
    def default_headers(self):
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = _ResponseWithoutServerBanner

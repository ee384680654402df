"""The app as config.wsgi serves it, plus an `X-Served-By: <pid>` header naming the worker
process that answered. Only the multi-process tests serve this (conftest.py's
two_worker_server): it lets them prove that every worker sees one state."""

import os

from config.wsgi import application as _application


def application(environ, start_response):
    def start_with_pid(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Served-By", str(os.getpid()))], exc_info)

    return _application(environ, start_with_pid)

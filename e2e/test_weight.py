"""Weight of a first visit, as scripts/run serves it (issue 13.10): compressed pages and
static files, and a budget of 60 KB on the wire for the login page and the main menu."""

import pytest

BUDGET_BYTES = 60 * 1024
PASSWORD = "correct horse battery staple"  # the factories' password


def _first_load(context, path) -> tuple[int, dict]:
    """Bytes on the wire (headers and encoded bodies) for path in a browser with an empty
    cache, and each response's Content-Encoding by URL."""
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    total = 0
    encodings = {}
    for request in finished:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        encodings[request.url] = (request.response().headers.get("content-encoding"), sizes["responseBodySize"])
    page.close()
    return total, encodings


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_login_page_and_the_main_menu_stay_within_the_first_load_budget(collected_static_server, new_context):
    server = collected_static_server
    server.shell("from satuklik.claims.tests.factories import member_user; member_user(username='RINGAN0101')")

    login_bytes, encodings = _first_load(new_context(base_url=server.url), "/accounts/login/")
    print(f"first load: login page {login_bytes} bytes")
    assert login_bytes <= BUDGET_BYTES, encodings
    # The page, the stylesheet and the scripts came compressed.
    for url, (encoding, _size) in encodings.items():
        if url.endswith((".css", ".js", "/accounts/login/")):
            assert encoding in {"gzip", "br"}, (url, encoding)

    signing_in = new_context(base_url=server.url).new_page()
    signing_in.goto("/accounts/login/")
    signing_in.locator("input[name=username]").fill("RINGAN0101")
    signing_in.locator("input[name=password]").fill(PASSWORD)
    signing_in.locator("input[name=password]").press("Enter")
    signing_in.wait_for_url(f"{server.url}/")
    fresh = new_context(base_url=server.url)
    fresh.add_cookies(signing_in.context.cookies())

    menu_bytes, encodings = _first_load(fresh, "/")
    page_html = next(size for url, (_encoding, size) in encodings.items() if url == f"{server.url}/")
    print(f"first load: main menu {menu_bytes} bytes")
    assert menu_bytes <= BUDGET_BYTES, encodings
    assert encodings[f"{server.url}/"][0] == "gzip"
    assert page_html > 0

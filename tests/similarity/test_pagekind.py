from similarity import extract_features
from similarity import pagekind as pk
from tests.similarity.sitegen import NGINX, PARKED, page_html


def kind(html: str, status: int | None = None) -> str:
    return extract_features("http://x.com/", None, "text/html", html.encode(), status).kind


def test_content_page():
    assert kind(page_html(brand="FilmBay", seed=1, page=0)) == pk.CONTENT


def test_no_evidence_kinds():
    assert kind(NGINX) == pk.DEFAULT
    assert kind(PARKED.format(host="x.com")) == pk.PARKED
    assert kind("") == pk.EMPTY
    assert kind("<html><body></body></html>") == pk.EMPTY
    challenge = (
        "<html><head><title>Just a moment...</title></head><body>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script>"
        "Checking your browser before accessing the site.</body></html>"
    )
    assert kind(challenge) == pk.CHALLENGE
    assert kind("<html><head><title>404 Not Found</title></head><body>nginx</body></html>") in (
        pk.ERROR,
        pk.EMPTY,
    )
    assert kind(page_html(brand="FilmBay", seed=1, page=0), status=503) == pk.ERROR
    wp = "<title>My blog – Just another WordPress site</title><p>" + "Hello world! " * 10
    assert kind(wp) == pk.DEFAULT


def test_non_evidence_excluded_from_signature():
    f = extract_features("http://x.com/", None, "text/html", NGINX.encode())
    assert not f.is_evidence

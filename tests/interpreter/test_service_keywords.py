"""Service keywords without a host: clear errors, session state, argument checks."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, Session

from .helpers import run


@pytest.mark.parametrize("source, service", [
    ('x = GET "http://127.0.0.1/x"', "http"),
    ('x = POST "https://example.com", "a"', "http"),
    ('x = LLM "hi"', "llm"),
    ('SEND MAIL "a@b.test", "s", "b"', "mail"),
    ('USE KB "docs"', "knowledge"),
    ('ADD TOOL "other"', "tools"),
    ('x = GET "notes.txt"', "storage"),
])
def test_without_a_provider_the_keyword_names_the_missing_service(source: str,
                                                                   service: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source)
    assert f"needs the '{service}' service, which is not configured" in err.value.message


def test_headers_live_in_the_session_and_clear() -> None:
    session = Session()
    out = run('SET HEADER "X-A", 1\nSET HEADER "Authorization", "Bearer t"\n'
              'h = GET "session.none"', session=session)
    assert out.variables["h"] is None
    assert session.http_headers == {"X-A": "1", "Authorization": "Bearer t"}
    run('CLEAR HEADERS', session=session)
    assert session.http_headers == {}


@pytest.mark.parametrize("source, message", [
    ('x = GET "ftp://x"', "needs the 'storage' service"),  # not a URL: a package file
    ('x = POST "ftp://x", 1', "needs an http:// or https:// URL"),
    ('SET HEADER "A"', "expects a name and a value"),
    ('SET HEADER "A", "x" + CHR(10) + "y"', "cannot contain line breaks"),
    ('SEND MAIL "a@b.test"', "SEND MAIL expects to, subject, body"),
    ('x = LLM ""', "LLM needs a prompt"),
])
def test_argument_errors(source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source)
    assert message in err.value.message


def test_clearing_needs_no_service() -> None:
    session = Session(tools=["a", "b"], knowledge_bases=["k1", "k2"], websites=["http://w"])
    run('CLEAR KB "k1"\nREMOVE TOOL "a.bas"', session=session)
    assert (session.knowledge_bases, session.tools) == (["k2"], ["b"])
    run('CLEAR KB\nCLEAR TOOLS\nCLEAR WEBSITES', session=session)
    assert (session.knowledge_bases, session.tools, session.websites) == ([], [], [])

"""Service keywords without a host: clear errors, session state, argument checks."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, Session

from ..helpers import run


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


class _RecordingTables:
    """Just enough of the tables service to see the rows SAVE hands over."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, dict]] = []

    def define(self, table: object) -> None:
        pass

    def insert(self, table: str, row: dict) -> int:
        self.rows.append((table, dict(row)))
        return len(self.rows)


def test_save_names_columns_after_its_variables_in_blocks_and_subs() -> None:
    tables = _RecordingTables()
    run('name = "Ann"\nage = 3\nSAVE "people", name, age\n'
        'IF age > 1 THEN\n  SAVE "people", age, name\nEND IF\nCALL Keep()\n'
        'SUB Keep()\n  city = "Rio"\n  SAVE "places", city, 1 + 1\nEND SUB',
        services={"tables": tables})
    assert tables.rows == [("people", {"name": "Ann", "age": 3}),
                           ("people", {"age": 3, "name": "Ann"}),
                           ("places", {"city": "Rio", "col2": 2})]

"""Generated dialogs for the flow tests: statements of every family the flow draws, nested
blocks, comments, blank lines, odd spacing, CRLF, unreadable lines."""

from __future__ import annotations

from itertools import chain

from hypothesis import strategies as st

_WORDS = st.sampled_from(["yes", "no", "order", "hours", "ok", "Olá", "a b", "x"])
_NAMES = st.sampled_from(["answer", "choice", "n", "total", "name"])
_TYPES = st.sampled_from(["STRING", "INTEGER", "NUMBER", "EMAIL", "DATE", "BOOLEAN"])
_COMMENTS = st.sampled_from(["", "  ' note", " REM", "\t' tab"])


def _simple() -> st.SearchStrategy[list[str]]:
    talk = st.builds(lambda w, c: [f'TALK "{w}"{c}'], _WORDS, _COMMENTS)
    hear = st.builds(lambda v, t: [f"HEAR {v} AS {t}"], _NAMES, _TYPES)
    menu = st.builds(lambda v, a, b: [f'HEAR {v} AS "{a}", "{b}"'], _NAMES, _WORDS, _WORDS)
    prompt = st.builds(lambda v, w: [f'HEAR {v} WITH "{w}?"'], _NAMES, _WORDS)
    setm = st.builds(lambda k, v: [f'SET BOT MEMORY "{k}", {v}'], _WORDS, _NAMES)
    getm = st.builds(lambda v, k: [f'{v} = GET BOT MEMORY("{k}")'], _NAMES, _WORDS)
    sugg = st.builds(lambda k: [f'ADD SUGGESTION "{k}" AS "{k}!"'], _WORDS)
    assign = st.builds(lambda v: [f"{v} = {v} + 1"], _NAMES)
    comment = st.just(["' just a comment"])
    blank = st.just([""])
    call = st.just(["CALL helper"])
    junk = st.sampled_from([["TALK ("], ["IF THEN ELSE"], ["= = ="], ["END IF"]])
    return st.one_of(talk, hear, menu, prompt, setm, getm, sugg, assign, comment, blank,
                     call, junk)


def _indent(lines: list[str], step: str) -> list[str]:
    return [step + line if line else line for line in lines]


def _blocks(inner: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    body = st.lists(inner, min_size=0, max_size=3).map(lambda ls: list(chain.from_iterable(ls)))

    def if_block(cond: str, then: list[str], alt: list[str] | None, step: str) -> list[str]:
        out = [f'IF {cond} = "yes" THEN'] + _indent(then, step)
        if alt is not None:
            out += ["ELSE"] + _indent(alt, step)
        return out + ["END IF"]

    def select(subject: str, cases: list[tuple[str, list[str]]], step: str) -> list[str]:
        out = [f"SELECT CASE {subject}"]
        for value, lines in cases:
            out += [f'{step}CASE "{value}"'] + _indent(lines, step * 2)
        return out + ["END SELECT"]

    steps = st.sampled_from(["    ", "  ", "\t"])
    return st.one_of(
        st.builds(if_block, _NAMES, body, st.none() | body, steps),
        st.builds(select, _NAMES, st.lists(st.tuples(_WORDS, body), min_size=1, max_size=3),
                  steps),
        st.builds(lambda v, b, s: [f"FOR EACH item IN {v}"] + _indent(b, s) + ["NEXT"],
                  _NAMES, body, steps),
        st.builds(lambda v, b, s: [f"DO WHILE {v} < 3"] + _indent(b, s) + ["LOOP"],
                  _NAMES, body, steps),
    )


STATEMENTS = st.recursive(_simple(), _blocks, max_leaves=12)


@st.composite
def dialogs(draw) -> str:  # type: ignore[no-untyped-def]
    lines = list(chain.from_iterable(draw(st.lists(STATEMENTS, min_size=0, max_size=8))))
    if draw(st.booleans()):
        lines += ["", "SUB helper", '    TALK "from the sub"', "END SUB"]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    return text + newline if draw(st.booleans()) else text

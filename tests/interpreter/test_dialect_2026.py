"""The 2026 General Bots dialect: constructs the engine runs (generalbots/generalbots
f59afde5) that Talkbench must open, check and run. Each test names the engine file it pins."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, Severity, check_source
from interpreter.events import Printed
from interpreter.syntax.parser.core import parse

from .helpers import run


def errors(source: str) -> list[str]:
    return [d.format() for d in check_source(source, "d.bas") if d.severity is Severity.ERROR]


# ---------------------------------------------------------------- keywords as functions


def test_keywords_registered_as_functions_run_as_statements_with_parentheses() -> None:
    # botbasic_data/src/keywords/bot_memory.rs registers SET_BOT_MEMORY(k, v) as a function;
    # the templates call it as a statement.
    out = run('SET_BOT_MEMORY("visits", "3")\nSET_BOT_MEMORY ("last", "ana")\n'
              'TALK GET_BOT_MEMORY("visits")')
    assert out.memory == {"visits": "3", "last": "ana"} and out.talks == ["3"]


def test_use_website_function_form_with_refresh_parses() -> None:
    # botbasic_ai/src/keywords/use_website.rs: USE_WEBSITE(url, refresh) and
    # USE WEBSITE url REFRESH interval
    program, diags = parse('USE_WEBSITE("https://example.com", "30d")\n'
                           'USE WEBSITE "https://example.com" REFRESH "1d"')
    assert diags == []
    first, second = program.body
    assert (first.phrase, len(first.args)) == ("USE WEBSITE", 2)
    assert second.clauses.keys() == {"REFRESH"}


def test_keyword_call_with_wrong_argument_count_is_still_checked() -> None:
    assert errors('SET_BOT_MEMORY("k")') == [
        "d.bas:1:1: error: SET BOT MEMORY expects 2 arguments, got 1"]


# ---------------------------------------------------------------- PARAM forms


def test_param_with_options_where_the_type_stands_asks_a_menu() -> None:
    # botbasic_compiler/src/tool_parsing.rs reads PARAM lines for the tool's schema and
    # drops them before running; run directly, Talkbench asks for the value.
    source = 'PARAM unit AS "celsius", "fahrenheit" DESCRIPTION "Unit"\nTALK unit'
    program, diags = parse(source)
    assert diags == [] and program.params[0].options == ("celsius", "fahrenheit")
    assert run(source, ["fahrenheit"]).talks == ["Unit", "fahrenheit"]


def test_param_enum_like_and_description() -> None:
    # tool_parsing.rs: ENUM [..] values, LIKE "example", DESCRIPTION "…"
    source = ('PARAM turno AS STRING ENUM ["MANHA", "TARDE"] LIKE "MANHA" '
              'DESCRIPTION "Turno do atendimento"\nTALK turno')
    program, diags = parse(source)
    assert diags == []
    param = program.params[0]
    assert (param.type, param.options, param.like, param.description) == (
        "STRING", ("MANHA", "TARDE"), "MANHA", "Turno do atendimento")
    assert run(source, ["TARDE"]).talks == ["Turno do atendimento", "TARDE"]
    assert run(source, params={"turno": "MANHA"}).talks == ["MANHA"]


# ---------------------------------------------------------------- BEGIN MAIL


def test_begin_mail_is_send_mail_with_subject_and_interpolated_body() -> None:
    # botbasic_compiler/src/blocks/mail.rs
    program, diags = parse('n = "Ana"\nBEGIN MAIL "a@x.test"\nSubject: Hi ${n}\n\n'
                           'Dear ${n},\nbye\nEND MAIL')
    assert diags == []
    mail = program.body[1]
    assert mail.phrase == "SEND MAIL"
    to, subject, body = mail.args
    assert to.value == "a@x.test" and subject.value == "Hi ${n}"  # subject: as written
    assert [p if isinstance(p, str) else p.name for p in body.parts] == [
        "Dear ", "n", ",\nbye"]


def test_begin_mail_without_a_mail_service_says_what_to_configure() -> None:
    with pytest.raises(BasicRuntimeError, match="SEND MAIL needs the 'mail' service") as err:
        run('BEGIN MAIL "a@x.test"\nSubject: s\nbody\nEND MAIL')
    assert err.value.line == 1


# ---------------------------------------------------------------- keywords are not reserved


def test_a_variable_named_like_a_keyword_in_a_condition() -> None:
    out = run('send_email = TRUE\nIF send_email THEN\n  TALK "yes"\nEND IF\n'
              'get_queue = FALSE\nIF get_queue OR send_email THEN TALK "or"')
    assert out.talks == ["yes", "or"]


def test_dunder_names_are_never_keywords() -> None:
    with pytest.raises(BasicRuntimeError, match="unknown function '__import__'"):
        run('x = __import__("os")')


# ---------------------------------------------------------------- runtime gaps


def test_dateadd_without_parentheses_runs() -> None:
    # The engine's DATEADD gives text (datetime/dateadd.rs dateadd_impl -> String), and its
    # FORMAT of text leaves a date pattern as it is (format.rs), so the date is talked as is.
    out = run('d = DATEADD "2026-01-31", 1, "day"\nTALK d')
    assert out.talks == ["2026-02-01"]


def test_hear_as_email_keeps_the_last_answer_as_typed_after_three_tries() -> None:
    # ws_handler.rs hands HEAR the text as typed (botbasic_core/src/keywords/hearing/
    # syntax.rs hear_block); Talkbench re-asks, then goes on with that text.
    out = run('HEAR mail AS EMAIL\nTALK "got " + mail', ["nope", "still no", "x@"])
    assert out.talks[-1] == "got x@"
    warnings = [e.text for e in out.events if isinstance(e, Printed) and e.level == "warning"]
    assert any("HEAR mail AS EMAIL" in w for w in warnings)


# ---------------------------------------------------------------- new keywords


def test_switchers_are_kept_in_the_session() -> None:
    # botbasic_comms/src/keywords/switcher.rs: standard ids carry their prompt; other text
    # is the prompt under a custom: id; the same id is kept once.
    from interpreter import Session

    session = Session()
    run('ADD SWITCHER "tables" AS "Tables"\nADD SWITCHER "Answer in one line" AS "Short"\n'
        'ADD SWITCHER "tables" AS "Table view"', session=session)
    ids = [s.id for s in session.switchers]
    assert ids[0].startswith("custom:") and ids[1] == "tables"
    assert session.switchers[1].label == "Table view"
    assert session.switchers[0].prompt == "Answer in one line"
    run("CLEAR SWITCHERS", session=session)
    assert session.switchers == []


def test_add_suggestion_text_adds_a_button() -> None:
    from interpreter import Session

    session = Session()
    run('ADD SUGGESTION TEXT "MANHA" AS "Manhã"', session=session)
    assert [(s.context, s.text) for s in session.suggestions] == [("MANHA", "Manhã")]


def test_error_values_and_error_message() -> None:
    # botbasic_core/src/keywords/errors/mod.rs and on_error.rs
    out = run('e = ERROR("not found")\nTALK IS_ERROR(e)\nTALK GET_ERROR_MESSAGE(e)\n'
              'TALK ISERROR("x")\nTALK ERROR()\nON ERROR RESUME NEXT\nTHROW "boom"\n'
              'TALK ERROR()\nTALK ERROR MESSAGE')
    assert out.talks == ["true", "not found", "false", "false", "true", "boom"]


def test_assert_and_raise_stop_the_run_at_their_line() -> None:
    with pytest.raises(BasicRuntimeError, match="Assertion failed: total must be positive") as e:
        run('total = 0\nASSERT(total > 0, "total must be positive")')
    assert e.value.line == 2
    with pytest.raises(BasicRuntimeError, match="ASSERT expects a boolean condition"):
        run('ASSERT("yes", "m")')
    with pytest.raises(BasicRuntimeError, match="error: custom failure$"):
        run('RAISE("custom failure")')


def test_array_helpers_of_the_engine() -> None:
    # botbasic_core/src/keywords/arrays/mod.rs and slice.rs
    out = run('a = [1, 2, 3, 2]\nTALK SIZE(a)\nTALK HEAD(a)\nTALK TOJSON(HEAD(a, 2))\n'
              'TALK TOJSON(TAIL(a))\nTALK TOJSON(TAIL(a, 2))\nTALK TOJSON(TAKE(a, 9))\n'
              'TALK TOJSON(DROP(a, 3))\nTALK LAST_INDEX_OF(a, 2)\nTALK LAST_INDEX_OF(a, 7)\n'
              'TALK TOJSON(EMPTY_ARRAY())\nTALK HEAD(EMPTY_ARRAY()) IS NULL')
    assert out.talks == ["4", "1", "[1, 2]", "[2, 3, 2]", "[3, 2]", "[1, 2, 3, 2]", "[2]",
                         "3", "-1", "[]", "true"]


def test_events_check_the_name_like_the_engine() -> None:
    # botbasic_ai/src/keywords/events.rs: five allowed names; the work is done in the
    # background, so the script goes on at once.
    from interpreter import Session

    session = Session()
    out = run('ON EVENT "approval_received" DO\n  TALK "approved"\nEND ON\n'
              'PUBLISH EVENT "approval_received"\n'
              'WAIT FOR EVENT "approval_received" TIMEOUT 3600\nTALK "on"', session=session)
    assert out.talks == ["on"] and session.events == ["approval_received"]
    with pytest.raises(BasicRuntimeError, match="Invalid event name: order_done") as err:
        run('TALK "a"\nPUBLISH EVENT "order_done"')
    assert err.value.line == 2
    with pytest.raises(BasicRuntimeError, match="Invalid event name: nope"):
        run('ON EVENT "nope" DO\nTALK 1\nEND ON')


def test_get_current_model_follows_use_model() -> None:
    assert run('TALK GET CURRENT MODEL\nUSE MODEL "fast"\nTALK GET CURRENT MODEL').talks == [
        "default", "fast"]


@pytest.mark.parametrize("source, need", [
    ('x = GET SUMMARY "s1"', "a CRM attendance back end"),
    ('x = GET CUSTOMER HISTORY "u1"', "a CRM attendance back end"),
    ("stats = KB STATISTICS", "vector database"),
    ('USE ACCOUNT "me@x.test"', "accounts connected"),
    ('p = SEARCH PRODUCTS "tea", 5', "product catalogue"),
    ('b = SCAN BARCODE "img.png"', "product catalogue"),
    ('PLAY "song.mp3"', "media player"),
    ("STOP", "media player"),
])
def test_keywords_that_need_a_general_bots_server_say_so(source: str, need: str) -> None:
    assert errors(source) == []
    with pytest.raises(BasicRuntimeError, match=f"not supported by Talkbench yet: it needs .*"
                                                f"{need}"):
        run(source)


def test_more_array_and_clock_functions_of_the_engine() -> None:
    # botbasic_core/src/keywords/arrays/{contains,push_pop,slice,sort}.rs and datetime/now.rs
    out = run('a = [3, "10", 2]\nTALK TOJSON(SORT_ASC(a))\nTALK TOJSON(SORT_DESC(a))\n'
              'TALK IN_ARRAY(2, a)\nTALK INCLUDES(a, 10)\nTALK HAS(a, 7)\n'
              'TALK TOJSON(PREPEND(a, 0))\nTALK TOJSON(ARRAY_PUSH(a, 9))\nTALK TOJSON(a)\n'
              'TALK ARRAY_POP(a)\nTALK ARRAY_SHIFT(a)\nTALK TOJSON(SUBARRAY(a, 1, -1))\n'
              'TALK TOJSON(MID_ARRAY(a, 1, 5))\nTALK TOJSON(INIT(a))\n'
              'TALK LEN(TODAY_STR()) = 10\nTALK IS_BOOL(FALSE)\nTALK UNIX_TIMESTAMP() > 0')
    assert out.talks == ['[2, 3, "10"]', '["10", 3, 2]', "true", "true", "false",
                         '[0, 3, "10", 2]', '[3, "10", 2, 9]', '[3, "10", 2]', "2", "3",
                         '["10"]', '["10", 2]', '[3, "10"]', "true", "true", "true"]


def test_err_err_clear_and_error_functions() -> None:
    # botbasic_core/src/keywords/errors/on_error.rs: ERR(), ERR_CLEAR(), ERROR()
    out = run('ON ERROR RESUME NEXT\nTHROW "x"\nTALK ERR()\nERR_CLEAR()\nTALK ERR()\n'
              'TALK ERROR()')
    assert out.talks == ["1", "0", "false"]


def test_is_numeric_spaced_runs_with_a_warning_as_the_engine_cannot_compile_it() -> None:
    # The botbook documents IS NUMERIC(x); the engine registers IS_NUMERIC only
    # (botbasic_core/src/keywords/string_functions.rs) and Rhai rejects the spaced form.
    source = 'x = "12"\nIF IS NUMERIC(x) AND NOT IS NUMERIC("a1") THEN TALK "ok"'
    # (The single-line IF and NOT get their own converter warnings: interpreter/compat.)
    found = [d for d in check_source(source, "d.bas") if "IS_NUMERIC" in d.message]
    assert [(d.line, d.severity) for d in found] == [(2, Severity.WARNING),
                                                    (2, Severity.WARNING)]
    assert "write IS_NUMERIC" in found[0].message
    assert run(source).talks == ["ok"]


def test_labels_and_goto_run_like_the_engines_state_machine() -> None:
    # botbasic_compiler/src/goto_transform.rs splits the dialog at its labels and runs the
    # pieces from a dispatch loop: a GOTO leaves any loop it is in; pieces fall through.
    from .helpers import both

    source = ('n = 0\nagain:\nn = n + 1\nIF n < 3 THEN GOTO again\nFOR i = 1 TO 5\n  DO\n'
              '    IF i = 2 THEN GOTO done\n    EXIT DO\n  LOOP\nNEXT\nTALK "never"\n'
              'done:\nRETURN n * 10 + i')
    assert both(source, {}) == ("ok", 32)
    assert run('ON ERROR RESUME NEXT\nGOTO b\nTALK "x"\nb:\nTALK "b"').talks == ["b"]


def test_an_endless_goto_loop_still_times_out() -> None:
    with pytest.raises(BasicRuntimeError, match="timed out") as err:
        run("again:\nGOTO again", timeout=0.3)
    assert err.value.line == 2


@pytest.mark.parametrize("source, message", [
    ("IF TRUE THEN\nx:\nEND IF", "the label x: must stand at the dialog's top level"),
    ("SUB s()\nGOTO a\nEND SUB\na:", "GOTO inside a SUB or FUNCTION is not supported"),
    ("GOTO nowhere", "GOTO nowhere: the dialog has no label nowhere:"),
])
def test_labels_and_goto_that_cannot_work_are_check_errors(source: str, message: str) -> None:
    found = errors(source)
    assert len(found) == 1 and message in found[0]


def test_choice_functions_of_the_engine() -> None:
    # botbasic_core/src/keywords/validation/nvl_iif.rs
    out = run('TALK IF_FUNC(1 < 2, "yes", "no")\nTALK CHOOSE(2, "a", "b")\n'
              'TALK CHOOSE(3, "a", "b") IS NULL\nTALK SWITCH_FUNC(5, "5", "five", "other")')
    assert out.talks == ["yes", "b", "true", "five"]


def test_attendant_aids_computed_from_the_text_like_the_engine() -> None:
    # botbasic_data/src/keywords/crm/attendance.rs: get_smart_replies_impl, get_tips_impl,
    # analyze_sentiment_impl need no database.
    out = run('r = GET SMART REPLIES "s1"\nt = GET TIPS "s1", "Urgent: it is not working?"\n'
              'g = GET TIPS "s1", "hello"\n'
              'a = ANALYZE SENTIMENT "s1", "Thanks, great! but one problem, ASAP now"\n'
              'b = ANALYZE SENTIMENT "s1", "ok"')
    v = out.variables
    assert [i["category"] for i in v["r"]["items"]] == ["greeting", "acknowledgment",
                                                        "follow_up"]
    assert [i["type"] for i in v["t"]["items"]] == ["warning", "intent", "action"]
    assert v["g"]["items"] == [{"type": "general", "priority": 3,
                                "content": "Read carefully and respond helpfully"}]
    assert (v["a"]["overall"], v["a"]["score"], v["a"]["escalation_risk"],
            v["a"]["urgency"]) == ("positive", 0.5, "medium", "urgent")
    assert (v["b"]["overall"], v["b"]["urgency"]) == ("neutral", "normal")

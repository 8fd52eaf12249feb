"""In-memory data keywords (FILTER, AGGREGATE, PIVOT, GROUP BY, MAP, FILL, JOIN) run as BASIC."""

from __future__ import annotations

import pytest

from interpreter.errors import BasicRuntimeError

from ..helpers import run

ROWS = '''rows = [{"Name": "Ann", "age": 34, "city": "Lisbon", "id": 1, "sales": 10},
  {"name": "bob", "Age": "25", "city": "Porto", "id": 2, "sales": 2.5},
  {"name": "Cy", "age": 41, "City": "Lisbon", "id": "3", "sales": 5},
  {"name": "Dee", "city": "Faro", "id": 4}]
'''


def names(rows: list[dict]) -> list[str]:
    return [next(v for k, v in r.items() if k.lower() == "name") for r in rows]


def filtered(condition: str) -> list[str]:
    return names(run(ROWS + f'x = FILTER rows, "{condition}"').variables["x"])


@pytest.mark.parametrize(("condition", "expected"), [
    ("age > 30", ["Ann", "Cy"]),
    ("AGE >= 34", ["Ann", "Cy"]),
    ("age < 30", ["bob"]),  # "25" is numeric text; Dee has no age and is left out
    ("age <= 25", ["bob"]),
    ("age > 4", ["Ann", "bob", "Cy"]),  # numeric, not text order ("4" > "34" as text)
    ("city = Lisbon", ["Ann", "Cy"]),
    ("city == 'Porto'", ["bob"]),
    ("city != Lisbon", ["bob", "Dee"]),
    ("city <> Lisbon", ["bob", "Dee"]),
    ("id = 3", ["Cy"]),
    ("name like AN", ["Ann"]),
    ("name LIKE %e", ["Dee"]),
    ("city like 'is'", ["Ann", "Cy"]),
    ("city > M", ["bob"]),  # text order when the value is not a number
    ("city = Lisbon AND age > 40", ["Cy"]),
    ("city = Faro or age < 30", ["bob", "Dee"]),
    ("city = Porto OR city = Faro AND id = 4", ["bob", "Dee"]),  # AND binds tighter
    ("city = Porto OR city = Faro AND id = 9", ["bob"]),
    ("name = 'a and b'", []),  # AND inside quotes is part of the value
])
def test_filter_conditions(condition: str, expected: list[str]) -> None:
    assert filtered(condition) == expected


def test_filter_function_form_and_result_is_new_list() -> None:
    env = run(ROWS + '''
a = FILTER(rows, "age > 30")
n = COUNT(FILTER(rows, "city = Lisbon"))
TALK "found " + UBOUND(a)
''').variables
    assert names(env["a"]) == ["Ann", "Cy"] and env["n"] == 2
    assert len(env["rows"]) == 4


@pytest.mark.parametrize(("condition", "message"), [
    ("age => 3", "unknown operator '=>'"),
    ("age ~ 3", "cannot read the condition 'age ~ 3'"),
    ("", "needs a condition"),
    ("age > 3 AND", "cannot read the condition"),
])
def test_filter_bad_condition(condition: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(ROWS + f'x = FILTER rows, "{condition}"')


def test_non_list_data_is_a_clear_error() -> None:
    with pytest.raises(BasicRuntimeError, match="FILTER expects a list of rows, got string"):
        run('x = FILTER "abc", "a = 1"')
    with pytest.raises(BasicRuntimeError, match="GROUP BY: item 1 is integer, not a row"):
        run('x = GROUP BY [{"a": 1}, 2], "a"')
    assert run('x = FILTER NULL, "a = 1"').variables["x"] == []


@pytest.mark.parametrize(("kind", "field", "expected"), [
    ("SUM", "sales", 17.5),
    ("sum", "age", 100.0),
    ("AVG", "age", 100 / 3),
    ("AVERAGE", "sales", 17.5 / 3),
    ("COUNT", "age", 3),
    ("MIN", "age", 25.0),
    ("MAX", "sales", 10.0),
    ("MAX", "nothing", None),
    ("SUM", "nothing", 0.0),
])
def test_aggregate(kind: str, field: str, expected: object) -> None:
    env = run(ROWS + f'x = AGGREGATE "{kind}", rows, "{field}"').variables
    assert env["x"] == pytest.approx(expected) if expected is not None else env["x"] is None


def test_aggregate_count_rows_and_errors() -> None:
    assert run(ROWS + 'x = AGGREGATE("COUNT", rows)').variables["x"] == 4
    with pytest.raises(BasicRuntimeError, match="unknown aggregate 'MEDIAN'"):
        run(ROWS + 'x = AGGREGATE "MEDIAN", rows, "age"')
    with pytest.raises(BasicRuntimeError, match="field 'name' of row 0 is 'Ann', not a number"):
        run(ROWS + 'x = AGGREGATE "SUM", rows, "name"')


def test_pivot_and_group_by() -> None:
    env = run(ROWS + '''
p = PIVOT rows, "city", "sales"
g = GROUP BY rows, "city"
g2 = GROUP_BY(rows, "CITY")
lisbon = LEN(g.Lisbon)
''').variables
    assert env["p"] == {"Lisbon": 15, "Porto": 2.5, "Faro": 0}
    assert {k: names(v) for k, v in env["g"].items()} == {
        "Lisbon": ["Ann", "Cy"], "Porto": ["bob"], "Faro": ["Dee"]}
    assert env["g2"] == env["g"] and env["lisbon"] == 2


def test_map_renames_fields_case_insensitively_without_touching_input() -> None:
    env = run(ROWS + 'm = MAP rows, "name->who, AGE -> years"').variables
    assert [list(r) for r in env["m"][:2]] == [
        ["who", "years", "city", "id", "sales"], ["who", "years", "city", "id", "sales"]]
    assert env["m"][3] == {"who": "Dee", "city": "Faro", "id": 4}
    assert "Name" in env["rows"][0]
    with pytest.raises(BasicRuntimeError, match="renames like"):
        run(ROWS + 'm = MAP rows, "name=>who"')


def test_fill_template_map_and_text() -> None:
    env = run(ROWS + '''
f = FILL rows, {"to": "{{name}}", "text": "Hi {{ Name }} from {{city}}{{missing}}!", "n": 1}
t = FILL(FILTER(rows, "id = 2"), "{{name}}/{{age}}")
''').variables
    assert env["f"][0] == {"to": "Ann", "text": "Hi Ann from Lisbon!", "n": 1}
    assert env["f"][3]["text"] == "Hi Dee from Faro!"
    assert env["t"] == ["bob/25"]
    with pytest.raises(BasicRuntimeError, match="template map"):
        run(ROWS + "f = FILL rows, 3")


def test_join_tables_and_builtin_join_still_work() -> None:
    env = run(ROWS + '''
orders = [{"id": "1", "item": "tea", "name": "ignored"}, {"id": 3, "item": "cake"},
          {"id": 1, "item": "jam"}, {"id": 9, "item": "lost"}]
j = JOIN rows, orders, "id"
s1 = JOIN(["a", "b", 3])
s2 = JOIN(["a", "b"], " | ")
s3 = JOIN ["x", "y"], "-"
''').variables
    assert [(names([r])[0], r["item"]) for r in env["j"]] == [
        ("Ann", "tea"), ("Ann", "jam"), ("Cy", "cake")]
    assert env["j"][0]["Name"] == "Ann" and "name" not in env["j"][0]  # left wins
    assert (env["s1"], env["s2"], env["s3"]) == ("a,b,3", "a | b", "x-y")
    with pytest.raises(BasicRuntimeError, match="JOIN expects a list of rows"):
        run('j = JOIN "a", [], "id"')


def test_statement_forms_parse_and_run() -> None:
    # As statements the result is discarded; they must still parse and validate.
    run(ROWS + 'FILTER rows, "age > 1"\nGROUP BY rows, "city"\nMAP rows, "a->b"')
    with pytest.raises(BasicRuntimeError, match="PIVOT expects"):
        run(ROWS + 'PIVOT rows, "city"')


def test_join_function_form_picks_the_table_join_by_its_three_arguments():
    source = ('a = [{"id": 1, "x": 2}]\nb = [{"id": "1", "y": 3}]\n'
              'RETURN [JOIN(a, b, "id"), JOIN([1, 2], "-")]')
    assert run(source).result == [[{"id": 1, "x": 2, "y": 3}], "1-2"]

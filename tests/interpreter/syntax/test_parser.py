import pytest

from interpreter.errors import BasicSyntaxError, Severity
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse, parse_or_raise


def body(src: str) -> list[n.Node]:
    return parse_or_raise(src).body


def errors(src: str) -> list[tuple[int, int, str]]:
    _, diags = parse(src, "f.bas")
    return [(d.line, d.col, d.message) for d in diags if d.severity is Severity.ERROR]


@pytest.mark.parametrize("src", [
    'SET_BOT_MEMORY "k", "v"', 'SET BOT MEMORY "k", "v"', 'SET_BOT_MEMORY "k" "v"',
    'set bot memory "k", "v"', 'Set_Bot_Memory "k" , "v"',
])
def test_both_memory_spellings(src):
    [stmt] = body(src)
    assert isinstance(stmt, n.KeywordStmt) and stmt.phrase == "SET BOT MEMORY"
    assert [a.value for a in stmt.args] == ["k", "v"]


@pytest.mark.parametrize("src", ['x = GET_BOT_MEMORY("k")', 'x = GET BOT MEMORY("k")',
                                 'x = get bot memory "k"'])
def test_get_memory_function_forms(src):
    [stmt] = body(src)
    assert isinstance(stmt.value, n.KeywordExpr) and stmt.value.phrase == "GET BOT MEMORY"


def test_get_memory_into():
    [stmt] = body('GET_BOT_MEMORY "k" INTO v')
    assert stmt.clauses["INTO"][0].name == "v"


def test_keywords_used_as_variables():
    stmts = body('case = FIND "cases", "x=1"\nFOR EACH case IN cases\n  TALK case\nNEXT\n'
                 'list = 1\nnext = 2\ntalk = 3')
    assert isinstance(stmts[0], n.Assign) and stmts[0].target.name == "case"
    assert isinstance(stmts[1], n.ForEach) and stmts[1].var == "case"
    assert all(isinstance(s, n.Assign) for s in stmts[2:])


def test_assignment_forms():
    stmts = body("LET a = 1\nSET b = 2\nc.d = 3\ne[0] = 4\nlet f = 5")
    assert [type(s) for s in stmts] == [n.Assign] * 5
    assert isinstance(stmts[2].target, n.Member) and isinstance(stmts[3].target, n.Index)


def test_if_forms():
    [blk] = body("IF a THEN\n x = 1\nELSE IF b THEN\n x = 2\nELSEIF c THEN\n x = 3\nELSE\n"
                 " x = 4\nEND IF")
    assert len(blk.branches) == 3 and blk.else_body
    [one] = body("IF a > 1 THEN x = 1 ELSE x = 2")
    assert len(one.branches) == 1 and len(one.else_body) == 1
    [endif] = body("if a then\nx=1\nendif")
    assert isinstance(endif, n.If)


def test_a_condition_may_start_with_an_array():
    """The converter reads ``IF [a] = [b] THEN`` as an IF (``if [a] == [b] {``), not as an
    item assignment to a variable named IF; so do ELSEIF and WHILE."""
    [blk] = body("IF [1] = [1] THEN\n x = 1\nELSEIF [x] = [2] THEN\n x = 2\nEND IF")
    assert isinstance(blk, n.If) and len(blk.branches) == 2
    [loop] = body("WHILE [x] = [2]\n x = 1\nWEND")
    assert isinstance(loop, n.DoLoop)


def test_loops():
    s = body("FOR EACH x IN xs DO\nEND FOR\nFOR i = 1 TO 10 STEP 2\nNEXT i\n"
             "DO WHILE a\nLOOP\nDO\nLOOP UNTIL b\nWHILE c\nWEND\nWHILE c\nEND WHILE\n"
             "FOR x IN xs\nNEXT")
    assert [type(x) for x in s] == [n.ForEach, n.ForTo, n.DoLoop, n.DoLoop, n.DoLoop,
                                    n.DoLoop, n.ForEach]
    assert s[3].test_at_end and s[3].until


def test_select_and_switch():
    [sel, sw] = body('SELECT CASE x\nCASE 1, 2\n a = 1\nCASE ELSE\n a = 2\nEND SELECT\n'
                     'SWITCH y\nCASE "a"\n b = 1\nDEFAULT\n b = 2\nEND SWITCH')
    assert len(sel.cases) == 1 and len(sel.cases[0][0]) == 2 and sel.else_body
    assert len(sw.cases) == 1 and sw.else_body


def test_subs_are_hoisted_and_calls_parse():
    prog = parse_or_raise("CALL Hello(1)\nHello 2\nSUB Hello(a)\n TALK a\nEND SUB\n"
                          "FUNCTION Twice(x)\n RETURN x * 2\nEND FUNCTION")
    assert set(prog.subs) == {"hello", "twice"}
    assert [type(s) for s in prog.body] == [n.CallSub, n.CallSub]


def test_blocks_and_metadata():
    prog = parse_or_raise(
        'PARAM name AS STRING LIKE "John" DESCRIPTION "Full name"\n'
        'PARAM qty AS INTEGER LIKE 10 DESCRIPTION "Quantity" OPTIONAL\n'
        "DESCRIPTION It is a WebService\n"
        "WITH o\n .a = 1\n b = 2\nEND WITH\n"
        "BEGIN SYSTEM PROMPT\nYou are ${role}.\nEND SYSTEM PROMPT\n"
        "TABLE leads ON maria\n id number key\n name string(150)\nEND TABLE\n"
        'ON FORM SUBMIT "landing"\n TALK fields.email\nEND ON\n')
    assert [p.name for p in prog.params] == ["name", "qty"] and prog.params[1].like == 10
    assert prog.params[1].optional and prog.descriptions[0].text == "It is a WebService"
    assert prog.tables[0].name == "leads" and prog.tables[0].connection == "maria"
    assert prog.tables[0].columns[1] == ("name", "string(150)")


def test_multiline_literals_and_maps():
    [a] = body('data = {\n  "a": 1,\n  b: [1,\n 2],\n}')
    assert isinstance(a.value, n.MapLit) and [k for k, _ in a.value.pairs] == ["a", "b"]


def test_precedence_not_binds_looser_than_comparison():
    [a] = body("x = NOT a = 4")
    assert isinstance(a.value, n.Unary) and isinstance(a.value.operand, n.Binary)
    # Rhai's precedence (src/tokenizer.rs Token::precedence): ** (190) above * (180) above
    # + (150) above ?? (135) above comparisons (130) above = (90) above & AND (60) above
    # ^ OR (30)
    [b] = body("x = 1 + 2 * 3 ** 2")
    assert b.value.op == "+" and b.value.right.op == "*" and b.value.right.right.op == "**"
    [c] = body('x = a & b + c')
    assert c.value.op == "&" and c.value.right.op == "+"
    [d] = body("x = a ?? b OR c")
    assert d.value.op == "OR" and d.value.left.op == "??"
    [e] = body("x = 1 + 2 ^ 3 * 4")
    assert e.value.op == "^" and e.value.left.op == "+" and e.value.right.op == "*"
    [f] = body("x = a < b = c > d")
    assert f.value.op == "=" and f.value.left.op == "<" and f.value.right.op == ">"
    [g] = body("x = a ?? b + c")
    assert g.value.op == "??" and g.value.right.op == "+"


def test_hear_forms():
    s = body('HEAR a\nHEAR b AS EMAIL\nHEAR c AS "x", "y"\nHEAR d AS INTEGER WITH "How many?" '
             'DEFAULT 1\nHEAR e AS "What would you like to do?"\nx = HEAR\nHEAR f AS MENU "a", *')
    assert [h.kind for h in s[:5]] == ["STRING", "EMAIL", "MENU", "INTEGER", "STRING"]
    assert s[4].prompt is not None and s[3].default is not None
    assert isinstance(s[5].value, n.KeywordExpr) and s[5].value.phrase == "HEAR"
    assert s[6].kind == "MENU" and s[6].options[1].value == "*"


def test_keyword_expressions_without_parentheses():
    [a] = body('x = LLM "Return " + subject')
    assert a.value.phrase == "LLM" and isinstance(a.value.args[0], n.Binary)
    [b] = body("w = FIRST user_input")
    assert b.value.phrase == "FIRST"
    [c] = body("y = first")
    assert isinstance(c.value, n.Name)


def test_every_node_has_a_position():
    prog = parse_or_raise('x = [1, 2]\nIF x THEN\n  TALK "a" + x[0]\nEND IF')
    stmt = prog.body[1].branches[0][1][0]
    assert (stmt.line, stmt.col) == (3, 3)
    assert (stmt.args[0].right.line, stmt.args[0].right.col) == (3, 15)  # the "[" of x[0]


# ---------------------------------------------------------------- error paths


def test_three_syntax_errors_are_all_reported():
    src = "x = (1 + 2\nTALK \"ok\"\ny = 3 +\nIF a THEN\nz = 1\n"
    errs = errors(src)
    assert len(errs) == 3
    assert errs[0][:2] == (1, 5) and "'(' is never closed" in errs[0][2]
    assert errs[1][:2] == (3, 8) and "expected a value" in errs[1][2]
    assert errs[2][:2] == (4, 1) and "END IF" in errs[2][2]


@pytest.mark.parametrize("src,expected", [
    ("IF a\nEND IF", "expected THEN"),
    ("FOR EACH x xs\nNEXT", "expected IN"),
    ("FOR i = 1 10\nNEXT", "expected TO"),
    ("NEXT", "NEXT without a matching opening statement"),
    ("END IF", "END IF without a matching opening statement"),
    ("FOR i = 1 TO 3\nEND IF", "expected NEXT or END FOR"),
    ("FOR EACH a IN b\nNEXT c", "NEXT c does not match FOR a"),
    ("SELECT CASE x\nCASE 1\n", "expected END SELECT"),
    ("SUB A\nEND SUB\nSUB A\nEND SUB", "already defined"),
    ("SET_BOT_MEMORY \"k\"", "needs a key and a value"),
    ("GET BOT MEMORY \"k\"", "expected INTO"),
    ("x = [1, 2", "never closed"),
    ("TALK", "TALK expects 1 argument, got 0"),
    ("if a == b {\n}", "Rhai-style"),
    ("x = 1 2", "unexpected number 2"),
    ("WITH o\n 5\nEND WITH", "expected '='"),
    ("DO\nWEND", "expected LOOP"),
    ("HEAR", "HEAR needs a variable"),
    ("x = a IS 3", "expected NULL"),
])
def test_error_messages(src, expected):
    errs = errors(src)
    assert errs, src
    assert any(expected in m for _, _, m in errs), errs


def test_parse_or_raise_lists_every_error():
    with pytest.raises(BasicSyntaxError) as info:
        parse_or_raise("x = (1\ny = )\n", "bad.bas")
    text = str(info.value)
    assert "bad.bas:1:" in text and "bad.bas:2:" in text


def test_backtick_interpolations_are_live_and_double_quoted_ones_inert():
    talk, = body('TALK `a ${x} b` + "c ${x}"')
    both = talk.args[0] if isinstance(talk, n.KeywordStmt) else talk
    live, inert = both.left, both.right
    assert isinstance(live, n.Interp) and not live.inert
    assert live.parts[0] == "a " and isinstance(live.parts[1], n.Name)
    assert isinstance(inert, n.Interp) and inert.inert


def test_a_backtick_interpolation_that_holds_no_expression_is_an_error():
    assert errors("TALK `a ${1 +} b`\nx = 1\nTALK `${x +\n1}`\n") == [
        (1, 9, ("'${1 +}' holds no expression Talkbench can read (General Bots cannot "
               "compile it either)")),
        (3, 7, ("'${x +…' holds no expression Talkbench can read (General Bots cannot "
               "compile it either)"))]

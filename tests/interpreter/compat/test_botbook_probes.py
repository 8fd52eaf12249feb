"""Small dialogs from the botbook's BASIC pages (generalbots/generalbots
botbook/src/04-basic-scripting: keyword-instr, -format, -talk, -set, -print, the keyword
reference's string, math and validation functions …) with what the engine-oracle printed for
each: its TALK lines and, where it stopped, Rhai's error. Talkbench shows the same lines; where
production stops, Talkbench stops with the same error or, for a function only Talkbench has,
warns at the call (interpreter/library/talkbench_only.py).

scripts/compat_oracle_check.py runs the same dialogs through the oracle, so a new engine build
that prints something else shows up there.
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter import BasicRuntimeError, Runtime, check_source, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

# (name, dialog, the lines production prints, the error it stops with or None)
PROBES: list[tuple[str, str, list[str], str | None]] = [
    ('01_instr',
     'text = "one two one three one"\nfirst = INSTR(text, "one")\nsecond = INSTR(5, text, "one")\nthird = INSTR(10, text, "one")\nTALK first\nTALK second\nTALK third\nt2 = "General Bots"\nTALK INSTR(t2, "bots")\nTALK INSTR(t2, "Bots")\n',
     ['1', '9', '19', '0', '9'], None),
    ('03_instr_mid',
     'data = "Name: John Smith"\ncolon_pos = INSTR(data, ":")\nIF colon_pos > 0 THEN\n    name = MID(data, colon_pos + 2)\n    TALK "Extracted name: " + name\nEND IF\n',
     ['Extracted name: John Smith'], None),
    ('06_format',
     'NUMBER = 1234.56\nTEXT = "John"\nDATE = "2024-03-15 14:30:00"\nTALK FORMAT(NUMBER, "n")\nTALK FORMAT(TEXT, "Hello @!")\nTALK FORMAT(DATE, "dd/MM/yyyy")\nTALK FORMAT(DATE, "dd/MM/yyyy HH:mm")\nNAME = "Maria"\nTALK FORMAT(NAME, "Hello, !")\n',
     ['1234.56', 'Hello JohnJOHN', '15/03/2024', '15/03/2024 14:30', 'Hello, MARIA'], None),
    ('10_begin_talk',
     'nome = "João"\nidade = 30\nBEGIN TALK\nOlá ${nome}!\nVocê tem ${idade} anos.\nEND TALK\n',
     ['Olá João!', 'Você tem 30 anos.'], None),
    ('11_begin_talk_format',
     'total = 299.90\nnumero = 42\nBEGIN TALK\nSeu pedido: ${numero}\nTotal: ${FORMAT(total, "currency")}\nObrigado pela preferência!\nEND TALK\n',
     ['Seu pedido: 42', 'Total: 299.9', 'Obrigado pela preferência!'], None),
    ('15_strfuncs',
     'name = "Maria Silva"\nTALK UCASE(name)\nTALK LCASE(name)\nTALK LEFT(name, 5)\nTALK RIGHT(name, 5)\nTALK MID(name, 7, 3)\nTALK LEN(name)\nTALK TRIM("  x  ") + "|"\nTALK REPLACE(name, "Silva", "Souza")\n',
     ['MARIA SILVA', 'maria silva', 'Maria', 'Silva', 'Sil', '11', 'x|', 'Maria Souza'], None),
    ('16_math',
     'TALK ROUND(3.14159, 2)\nTALK ABS(-5)\nTALK INT(7.9)\nTALK MAX(3, 9)\nTALK MIN(3, 9)\nTALK SQRT(16)\nTALK FLOOR(2.7)\nTALK CEIL(2.1)\n',
     ['3.14', '5', '7', '9', '3'], 'Function not found: SQRT (i64)'),
    ('17_if_elseif',
     'score = 75\nIF score >= 90 THEN\n    TALK "A"\nELSEIF score >= 70 THEN\n    TALK "C"\nELSE\n    TALK "F"\nEND IF\nIF score > 50 AND score < 80 THEN\n    TALK "mid"\nEND IF\nIF score < 10 OR score = 75 THEN\n    TALK "either"\nEND IF\n',
     ['C', 'mid', 'either'], None),
    ('21_nvl',
     'x = ""\nTALK NVL(x, "Friend")\ny = "Ana"\nTALK NVL(y, "Friend")\nTALK IIF(1 > 2, "yes", "no")\n',
     ['Friend', 'Ana', 'no'], None),
    ('23_val_str',
     'a = VAL("42")\nTALK a + 1\nb = STR(7)\nTALK b + 1\nTALK VAL("3.5") * 2\nTALK CINT("12")\n',
     ['43.0', '71', '7.0', '12'], None),
    ('24_isempty',
     'TALK ISEMPTY("")\nTALK ISEMPTY("a")\nTALK ISEMPTY([])\nTALK IS_NUMERIC("12")\nTALK IS_NUMERIC("x1")\nTALK ISNULL(x)\n',
     ['true', 'false', 'true', 'true', 'false'], 'Variable not found: x'),
    ('25_split',
     'parts = SPLIT("a,b,,c", ",")\nTALK parts\nTALK UBOUND(parts)\nTALK LTRIM("  x") + "|" + RTRIM("y  ") + "|"\nTALK ASC("A")\nTALK CHR(66)\n',
     ['["a", "b", "", "c"]', '3', 'x|y|'], 'Function not found: ASC (&str | ImmutableString | String)'),
    ('26_minmax_array',
     'TALK MAX(2.5, 1.0)\nTALK SUM([1, 2, 3.5])\nTALK AVG([1, 2, 3])\nTALK COUNT([1, 2, 3])\n',
     ['2.5', '6.5', '2.0', '3'], None),
    ('27_sort_unique',
     'TALK SORT([3, 1, 2])\nTALK SORT(["b", "a", "C"])\nTALK SORT([3, 1, 2], "DESC")\nTALK UNIQUE([1, 2, 2, 3, 1])\nTALK SLICE([1, 2, 3, 4, 5], 1, 3)\nTALK CONTAINS([1, 2, 3], 2)\n',
     ['[1, 2, 3]', '["C", "a", "b"]', '[3, 2, 1]', '[1, 2, 3]', '[2, 3]', 'true'], None),
    ('28_push_pop',
     'cart = ["a"]\ncart = PUSH(cart, "b")\nTALK cart\nlast = POP(cart)\nTALK last\nTALK cart\nmore = APPEND(cart, "z")\nTALK more\nTALK COUNT(more)\n',
     ['["a", "b"]', 'b', '["a", "b"]', '["a", "b", "z"]', '3'], None),
    ('29_round',
     'TALK ROUND(2.5)\nTALK ROUND(3.5)\nTALK ROUND(-2.5)\nTALK ROUND(1.005, 2)\nTALK ROUND(1234.5678, -2)\nTALK INT(-7.9)\nTALK FIX(-7.9)\nTALK CEILING(2.1)\n',
     ['3', '4', '-3', '1.0', '1200.0', '-7', '-7', '3'], None),
    ('30_typeof',
     'TALK TYPEOF(1)\nTALK TYPEOF(1.5)\nTALK TYPEOF("a")\nTALK TYPEOF(true)\nTALK TYPEOF([1])\nTALK TYPEOF(#{a: 1})\nTALK IS_ARRAY([1])\nTALK IS_STRING("x")\nTALK IS_NUMBER(2)\n',
     ['integer', 'float', 'string', 'boolean', 'array', 'object', 'true', 'true', 'true'], None),
    ('31_str_val',
     'TALK STR(3.0)\nTALK STR(1.5) + "!"\nTALK VAL("abc")\nTALK VAL(" 12 ")\nTALK VAL("1e3")\nTALK CSTR(12) + "x"\nTALK CDBL("2.5") + 1\n',
     ['3', '1.5!', '0.0', '12.0', '1000.0'], 'Function not found: CSTR (i64)'),
    ('32_random',
     'r = RANDOM(5, 5)\nTALK r\nx = RND()\nIF x >= 0 AND x < 1 THEN\n  TALK "in range"\nEND IF\n',
     ['5', 'in range'], None),
    ('33_trig',
     'TALK SIN(0)\nTALK COS(0)\nTALK PI()\nTALK LOG(1)\nTALK EXP(0)\nTALK POWER(2, 10)\nTALK SGN(-3)\n',
     [], 'Function not found: SIN (i64)'),
    ('34_nvl_iif',
     'TALK NVL("", "d")\nTALK NVL(0, "d")\nTALK IIF(true, 1, "two")\nTALK COALESCE("", "x")\nTALK IFNULL("", "y")\n',
     ['d', '0', '1', 'x', 'y'], None),
    ('35_while_wend',
     'n = 0\nWHILE n < 3\n  n = n + 1\nWEND\nTALK n\n',
     ['3'], None),
    ('40_floats',
     'TALK 0.1 + 0.2\nTALK 1.0\nTALK 10 / 4\nTALK 10 / 5\nTALK 2 ** 10\nTALK 1e3\nTALK 100000000000 * 100\n',
     ['0.30000000000000004', '1.0', '2', '2', '1024', '1000.0', '10000000000000'], None),
    ('41_compare',
     'a = "abc"\nIF a = "ABC" THEN\n  TALK "same"\nELSE\n  TALK "differ"\nEND IF\nIF "b" > "a" THEN\n  TALK "greater"\nEND IF\nIF 2 = 2.0 THEN\n  TALK "num eq"\nELSE\n  TALK "num ne"\nEND IF\n',
     ['differ', 'greater', 'num eq'], None),
    ('42_format_num',
     'TALK FORMAT(1234.5, "C2[en]")\nTALK FORMAT(0.256, "P")\nTALK FORMAT(1234567, "N0")\nTALK FORMAT(3.14159, "0.00")\nTALK FORMAT(42, "000000")\n',
     ['$1,234.50', '0.256', '1,234,567', '3.14159', '42'], None),
    ('43_max_mixed',
     'TALK MAX(3, 9)\nTALK MAX(2.5, 1)\n',
     ['9'], 'Function not found: MAX (f64, i64)'),
    ('44_arity_max_array',
     'TALK "first"\nTALK MAX([3, 9, 2])\n',
     ['first'], 'Function not found: MAX (array)'),
    ('45_arity_three',
     'TALK "first"\nTALK MAX(1, 2, 3)\n',
     ['first'], 'Function not found: MAX (i64, i64, i64)'),
    ('46_arity_text',
     'TALK "a"\nTALK LEN("a", "b")\n',
     ['a'], 'Function not found: LEN (&str | ImmutableString | String, &str | ImmutableString | String)'),
    ('47_arity_missing',
     'TALK "a"\nx = LEFT("abc")\nTALK x\n',
     ['a'], 'Function not found: LEFT (&str | ImmutableString | String)'),
    ('48_arity_round',
     'TALK ROUND(1.5)\nTALK ROUND(1.5, 2, 3)\n',
     ['2'], 'Function not found: ROUND (f64, i64, i64)'),
    ('49_arity_min_map',
     'TALK "a"\nTALK MIN(#{a: 1})\n',
     ['a'], 'Function not found: MIN (map)'),
    ('50_arity_kinds',
     'TALK "a"\nTALK UCASE("a", 2.5, (), true, [1])\n',
     ['a'], 'Function not found: UCASE (&str | ImmutableString | String, f64, (), bool, array)'),
    ('51_arity_now',
     'TALK "a"\nTALK NOW(1)\n',
     ['a'], 'Function not found: NOW (i64)'),
    ('52_text_op',
     'x = "a"\nTALK "b" & x\n',
     [], 'Function not found: & (&str | ImmutableString | String, &str | ImmutableString | String)'),
    ('53_arity_format',
     'TALK "a"\nTALK FORMAT(1)\n',
     ['a'], 'Function not found: FORMAT (i64)'),
    ('60_float_print',
     'TALK 0.1 + 0.2\nTALK 1e21\nTALK 1.0\nTALK -0.0\nTALK 1 / 3\nTALK 1.0 / 3\nTALK 2.0 / 3\nTALK 1e300 * 10\nTALK 1e-7\nTALK 123456789012345.0\nTALK 1e13\nTALK 9999999999999.0\nTALK 0.0000000000001\nTALK 1e-14\nTALK 1.5e-300\nTALK 5e-324\nTALK 1.7976931348623157e308\n',
     ['0.30000000000000004', '1e21', '1.0', '0.0', '0', '0.3333333333333333', '0.6666666666666666', '1e301', '0.0000001', '1.23456789012345e14', '1e13', '9.999999999999e12', '0.0000000000001', '1e-14', '1.5e-300', '5e-324', '1.7976931348623157e308'], None),
    ('61_float_more',
     'TALK -1e21\nTALK 100.0 * 3\nTALK 1e15 + 0.3\nTALK 0.1 * 3\nTALK 3.0 * 1.1\nTALK -2.5 / 0.0\nTALK 0.0 / 0.0\nTALK 1e13 - 1\nTALK 12345678.9\nTALK 0.000123\n',
     ['-1e21', '300.0', '1.0000000000000003e15', '0.30000000000000004', '3.3000000000000003', '-inf', 'NaN', '9.999999999999e12', '12345678.9', '0.000123'], None),
    ('62_int_limits',
     'TALK 9223372036854775807\nTALK -9223372036854775807 - 1\nx = 9223372036854775807\nTALK x - 1\nTALK -9223372036854775807\n',
     ['9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807'], None),
    ('63_int_overflow_neg',
     'x = -9223372036854775807 - 1\nTALK x\nTALK x - 1\n',
     ['-9223372036854775808'], 'Subtraction overflow: -9223372036854775808 - 1'),
    ('64_int_div_neg',
     'TALK -7 / 2\nTALK 7 / -2\nTALK -7 / -2\nTALK -7 % 3\nTALK 7 % -3\nTALK -7 % -3\nTALK -7.5 % 2\nTALK 7 % 2.5\nTALK -1 / 3\nTALK MOD(-7, 3)\nTALK MOD(7, -3)\n',
     ['-3', '-3', '3', '-1', '1', '-1', '-1.5', '2.0', '0', '-1', '1'], None),
    ('65_int_min_div',
     'x = -9223372036854775807 - 1\nTALK x / -1\n',
     [], 'Division overflow: -9223372036854775808 / -1'),
    ('66_int_min_mod',
     'x = -9223372036854775807 - 1\nTALK x % -1\n',
     [], 'Modulo division by zero or overflow: -9223372036854775808 % -1'),
    ('67_int_neg_min',
     'x = -9223372036854775807 - 1\nTALK -x\n',
     [], 'Negation overflow: --9223372036854775808'),
    ('68_abs_min',
     'x = -9223372036854775807 - 1\nTALK ABS(x)\n',
     ['-9223372036854775808'], None),
    ('69_mul_overflow',
     'x = 3037000500\nTALK x * x\n',
     [], 'Multiplication overflow: 3037000500 * 3037000500'),
    ('70_float_int_mix',
     'TALK 1 + 1.0\nTALK 2 * 0.5\nTALK 10 / 4.0\nTALK 3 - 3.0\nTALK 2 ** 0.5\nTALK 2.0 ** 3\nTALK 2 ** 62\n',
     ['2.0', '1.0', '2.5', '0.0', '1.4142135623730951', '8.0', '4611686018427387904'], None),
    ('71_big_literal',
     'TALK 9223372036854775808\n',
     ['9.223372036854776e18'], None),
    ('74_text_escapes',
     'TALK "a\\tb"\nTALK "say \\"hi\\""\nTALK "back\\\\slash"\nTALK "line\\nbreak"\nTALK "it\'\'s"\nTALK LEN("a\\tb")\n',
     ['a\tb', 'say "hi"', 'back\\slash', 'line', 'break', "it''s", '3'], None),
    ('75_text_compare',
     'IF "abc" < "abd" THEN\n  TALK "lt"\nEND IF\nIF "Z" < "a" THEN\n  TALK "upper first"\nEND IF\nIF "" < "a" THEN\n  TALK "empty first"\nEND IF\nIF "10" < "9" THEN\n  TALK "text order"\nEND IF\nIF "é" > "z" THEN\n  TALK "code point"\nEND IF\nIF "a" <> "A" THEN\n  TALK "case"\nEND IF\n',
     ['lt', 'upper first', 'empty first', 'text order', 'code point', 'case'], None),
    ('83_elseif_chain',
     'x = 5\nIF x = 1 THEN\n  TALK "one"\nELSEIF x = 2 THEN\n  TALK "two"\nELSEIF x = 5 THEN\n  TALK "five"\nELSE\n  TALK "many"\nEND IF\n',
     ['five'], None),
    ('87_float_eq',
     'IF 0.1 + 0.2 = 0.3 THEN\n  TALK "eq"\nEND IF\nIF 1 / 3 = 0 THEN\n  TALK "int div"\nEND IF\nIF 1.0 / 3 * 3 = 1 THEN\n  TALK "one"\nEND IF\n',
     ['eq', 'int div', 'one'], None),
    ('88_select_text',
     'status = "shipped"\nSELECT status\n    CASE "confirmed"\n        TALK "c"\n    CASE "shipped"\n        TALK "s"\nEND SELECT\nTALK "after"\n',
     ['s', 'after'], None),
    ('92_elseif_nested',
     'a = 2\nb = 3\nIF a = 1 THEN\n  TALK "a1"\nELSEIF a = 2 THEN\n  IF b = 3 THEN\n    TALK "a2b3"\n  ELSEIF b = 4 THEN\n    TALK "a2b4"\n  END IF\nELSE\n  TALK "other"\nEND IF\n',
     ['a2b3'], None),
    ('93_if_and_or_mix',
     'a = 2\nb = 3\nIF a = 2 AND b = 3 OR a = 9 THEN\n  TALK "yes"\nEND IF\nIF a > 1 AND (b < 2 OR b = 3) THEN\n  TALK "paren"\nEND IF\n',
     ['yes', 'paren'], None),
    ('94_text_compare_num',
     'IF "3" = 3 THEN\n  TALK "eq"\nELSE\n  TALK "ne"\nEND IF\nIF "abc" = "abc" THEN\n  TALK "same"\nEND IF\n',
     ['ne', 'same'], None),
    ('95_bool_print',
     't = 1 < 2\nTALK t\nTALK "v: " + t\nTALK [t, 1.0, "a\\tb"]\n',
     ['true', 'v: true', '[true, 1.0, "a\\tb"]'], None),
    ('96_unicode_len',
     's = "ação"\nTALK LEN(s)\nTALK UCASE(s)\nTALK LEFT(s, 2)\nTALK s + 1.0\n',
     ['6', 'AÇÃO', 'aç', 'ação1.0'], None),
    ('97_int_float_eq',
     'IF 9007199254740993 = 9007199254740992.0 THEN\n  TALK "eq"\nELSE\n  TALK "ne"\nEND IF\nTALK 9007199254740993 + 0.0\n',
     ['eq', '9.007199254740992e15'], None),
    ('98_neg_zero',
     'x = -0.0\nTALK x\nTALK 0.0 * -1\nTALK STR(-0.0)\nTALK ROUND(-0.4)\n',
     ['0.0', '0.0', '-0', '0'], None),
    ('99_exp_small',
     'TALK 1.0e-5\nTALK 0.1 ** 20\nTALK 2.0 ** 100\nTALK 1e16\nTALK 1e15\nTALK 123456789.123456789\n',
     ['0.00001', '1.0000000000000011e-20', '1.2676506002282294e30', '1e16', '1e15', '123456789.12345679'], None),
    ('in_place_value',
     'q = "HeLLo"\nr = q.make_lower()\nIF r = "" THEN\nTALK "same"\nELSE\nTALK "different"\nEND IF\nTALK r <> ""\nIF r = 0 THEN\nTALK "zero"\nELSE\nTALK "nonzero"\nEND IF\n',
     ['different', 'true', 'nonzero'], None),
]


def shown(source: str) -> tuple[list[str], str | None]:
    """The lines Talkbench's run shows (one per line of each TALK), and its error if any."""
    channel = QueuedChannel.with_answers([])
    runtime = Runtime(load_source(source, "probe.bas"), channel, DictMemory({}))
    try:
        asyncio.run(runtime.run())
    except BasicRuntimeError as e:
        return [ln for t in channel.texts for ln in t.split("\n")], e.message
    return [ln for t in channel.texts for ln in t.split("\n")], None


@pytest.mark.parametrize(("name", "source", "lines", "stop"), PROBES, ids=[p[0] for p in PROBES])
def test_talkbench_shows_what_general_bots_shows(name: str, source: str, lines: list[str],
                                                 stop: str | None) -> None:
    got, error = shown(source)
    if stop is None:
        assert (got, error) == (lines, None)
        return
    assert got[:len(lines)] == lines
    called = stop.split(" (")[0]  # "Function not found: ASC"
    warned = [d.message for d in check_source(source, "probe.bas") if called in d.message]
    assert (error is not None and stop in error) or warned, (error, warned)

"""HEAR AS type validation and normalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interpreter.library.builtins.dates import to_when
from interpreter.library.hear_types import ATTACHMENT_KINDS, Answer, luhn_ok, validate_answer
from interpreter.syntax import vocabulary
from interpreter.values import loose_equal, to_display, truthy

TODAY = dt.date(2025, 1, 15)
FRUITS = ("Apple", "Banana", "Orange")


def ok(kind: str, text: str, *options: str):
    answer = validate_answer(kind, text, tuple(options), today=TODAY)
    assert answer.ok, f"{kind} rejected {text!r}: {answer.hint}"
    assert answer.hint == ""
    return answer.value


def rejected(kind: str, text: str, *options: str) -> str:
    answer = validate_answer(kind, text, tuple(options), today=TODAY)
    assert not answer.ok, f"{kind} accepted {text!r} as {answer.value!r}"
    assert answer.value is None and answer.hint
    return answer.hint


def test_appendix_b_vectors() -> None:
    assert ok("EMAIL", "User@Example.COM") == "user@example.com"
    assert ok("NAME", "john doe") == "John Doe"
    assert ok("INTEGER", "1,234") == 1234
    assert ok("MONEY", "R$ 1.234,56") == 1234.56
    assert ok("MONEY", "1,234.56") == 1234.56
    assert to_display(ok("DATE", "25/12/2024")) == "2024-12-25"
    assert ok("HOUR", "2:30 PM") == "14:30"
    assert ok("BOOLEAN", "sim") is True
    assert ok("CPF", "52998224725") == "529.982.247-25"
    rejected("CPF", "111.111.111-11")
    assert ok("MOBILE", "11999998888") == "(11) 99999-8888"
    assert ok("MENU", "2", *FRUITS) == "Banana"
    assert ok("MENU", "ban", *FRUITS) == "Banana"


def test_answer_is_frozen() -> None:
    answer = Answer(True, 1)
    with pytest.raises(AttributeError):
        answer.ok = False  # type: ignore[misc]


def test_every_vocabulary_type_is_handled() -> None:
    for kind in vocabulary.HEAR_TYPES:
        answer = validate_answer(kind, "x", ("a", "b") if kind == "MENU" else ())
        assert isinstance(answer, Answer)
        assert answer.ok or answer.hint


# ---------------------------------------------------------------- text


def test_string_text_and_unknown_types_keep_trimmed_text() -> None:
    assert ok("STRING", "  hi there ") == "hi there"
    assert ok("TEXT", "x") == "x"
    assert ok("WHATEVER", " y ") == "y"
    assert ok(None, " z ") == "z"  # type: ignore[arg-type]
    assert ok("STRING", "") == ""


def test_email() -> None:
    assert ok("EMAIL", "  a.b+tag@sub.example.co.uk ") == "a.b+tag@sub.example.co.uk"
    for bad in ("", "plain", "a@b", "a@@b.com", "a b@c.com", "a..b@c.com", "@c.com"):
        assert rejected("EMAIL", bad) == "Please enter a valid email address."


def test_name() -> None:
    assert ok("NAME", "  maria   da   silva ") == "Maria Da Silva"
    assert ok("NAME", "JEAN-LUC o'neil") == "Jean-Luc O'neil"
    assert ok("NAME", "joão") == "João"
    for bad in ("J", "R2D2", "john@doe", "x" * 101, "--"):
        rejected("NAME", bad)


def test_password_is_never_stored() -> None:
    assert ok("PASSWORD", "correct horse") == "[PASSWORD SET]"
    assert ok("SECRET", "12345678") == "[PASSWORD SET]"
    assert "8 characters" in rejected("PASS", "short")


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42), ("-7", -7), ("+3", 3), ("1.234.567", 1234567), ("1 234", 1234), ("5.0", 5),
     ("1,000", 1000), ("007", 7)],
)
def test_integer_accepts(text: str, value: int) -> None:
    result = ok("INTEGER", text)
    assert result == value and type(result) is int


@pytest.mark.parametrize("text", ["1.5", "abc", "", "1,23", "1.234,5", "12a", "9" * 31, "²"])
def test_integer_rejects(text: str) -> None:
    assert rejected("INT", text) == "Please enter a whole number."


def test_number_is_int_when_whole_else_float() -> None:
    assert ok("NUMBER", "12") == 12 and type(ok("NUMBER", "12")) is int
    assert ok("NUMBER", "1,5") == 1.5
    assert ok("NUMBER", "2.50") == 2.5
    assert ok("NUMBER", "2.0") == 2
    rejected("NUMBER", "two")


def test_float_rounds_to_two_decimals() -> None:
    assert ok("FLOAT", "3.14159") == 3.14
    assert ok("DECIMAL", "3,5") == 3.5
    assert ok("DOUBLE", "-0.005") == -0.01
    assert ok("FLOAT", "1.234,56") == 1234.56
    assert ok("FLOAT", "1e3") == 1000.0
    assert type(ok("FLOAT", "2")) is float
    for bad in ("", "abc", "1.2.3", "1e999", "nan", "inf", "1" * 50):
        rejected("FLOAT", bad)


def test_money() -> None:
    assert ok("MONEY", "$5") == 5.0
    assert ok("CURRENCY", "€ 10,5") == 10.5
    assert ok("AMOUNT", "1.234") == 1234.0
    assert ok("MONEY", "1.234.567,891") == 1234567.89
    assert ok("MONEY", "99 BRL") == 99.0
    assert ok("MONEY", "0") == 0.0
    assert "amount" in rejected("MONEY", "-5")
    rejected("MONEY", "free")
    rejected("MONEY", "")


def test_loose_equality_lets_scripts_compare_either_way() -> None:
    assert loose_equal(ok("INTEGER", "1,234"), "1234")
    assert loose_equal(ok("BOOLEAN", "yes"), "true")
    assert loose_equal(ok("DATE", "25/12/2024"), "2024-12-25")
    assert truthy(ok("BOOLEAN", "yes")) and not truthy(ok("BOOLEAN", "no"))


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize("text", ["yes", "Y", "TRUE", "1", "Sim", "sí", "oui", "OK!", "sure."])
def test_boolean_yes(text: str) -> None:
    assert ok("BOOLEAN", text) is True


@pytest.mark.parametrize("text", ["no", "N", "false", "0", "Não", "nao", "nein", "nope"])
def test_boolean_no(text: str) -> None:
    assert ok("BOOL", text) is False


def test_boolean_rejects() -> None:
    assert rejected("BOOLEAN", "maybe") == "Please answer yes or no."


# ---------------------------------------------------------------- dates and times


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("25/12/2024", dt.date(2024, 12, 25)),
        ("25-12-2024", dt.date(2024, 12, 25)),
        ("25.12.2024", dt.date(2024, 12, 25)),
        ("2024-12-25", dt.date(2024, 12, 25)),
        ("2024/12/25", dt.date(2024, 12, 25)),
        ("12/25/2024", dt.date(2024, 12, 25)),  # month first only when day-first is impossible
        ("01/02/2024", dt.date(2024, 2, 1)),  # ambiguous: day first
        ("25/12/24", dt.date(2024, 12, 25)),
        ("25 Dec 2024", dt.date(2024, 12, 25)),
        ("25 December 2024", dt.date(2024, 12, 25)),
        ("December 25th, 2024", dt.date(2024, 12, 25)),
        ("25 de dezembro de 2024", dt.date(2024, 12, 25)),
        ("3 mar 2025", dt.date(2025, 3, 3)),
        ("today", TODAY),
        ("Hoje", TODAY),
        ("tomorrow", dt.date(2025, 1, 16)),
        ("amanhã", dt.date(2025, 1, 16)),
        ("amanha", dt.date(2025, 1, 16)),
        ("yesterday", dt.date(2025, 1, 14)),
        ("ontem", dt.date(2025, 1, 14)),
    ],
)
def test_date_accepts(text: str, date: dt.date) -> None:
    assert ok("DATE", text) == date


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "someday", "", "32 Dec 2024"])
def test_date_rejects(text: str) -> None:
    assert "date" in rejected("DATE", text)


@pytest.mark.parametrize("text", ["2024.12.25", "2024-1-5", "2024/1/5", "25.12.2024",
                                  "12/25/2024", "01/02/2024", "5-1-2024"])
def test_date_answers_and_the_date_functions_read_digits_alike(text: str) -> None:
    """One day-first reading (formatting.parse_numeric_date) for HEAR AS DATE and for the
    date functions' arguments (DATEVALUE, DATEADD ...)."""
    assert to_when(text, "DATEVALUE") == ok("DATE", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("14:30", "14:30"), ("9:05", "09:05"), ("2:30 PM", "14:30"), ("12:15 am", "00:15"),
     ("12 PM", "12:00"), ("7pm", "19:00"), ("14h30", "14:30"), ("14h", "14:00"),
     ("2:30 p.m.", "14:30"), ("08:00:59", "08:00")],
)
def test_hour_accepts(text: str, value: str) -> None:
    assert ok("HOUR", text) == value
    assert ok("TIME", text) == value


@pytest.mark.parametrize("text", ["14", "25:00", "13:00 PM", "10:60", "noon", "0 am"])
def test_hour_rejects(text: str) -> None:
    rejected("HOUR", text)


# ---------------------------------------------------------------- contact data


def test_phone() -> None:
    assert ok("PHONE", "(11) 99999-8888") == "(11) 99999-8888"
    assert ok("MOBILE", "555-123-4567") == "(555) 123-4567"
    assert ok("TELEPHONE", "+55 11 99999-8888") == "+5511999998888"
    for bad in ("123", "phone me", "1" * 16, "11 9999x8888"):
        rejected("MOBILE", bad)


def test_zipcode() -> None:
    assert ok("CEP", "01310100") == "01310-100"
    assert ok("ZIPCODE", "01310-100") == "01310-100"
    assert ok("ZIP", "90210") == "90210"
    assert ok("ZIP", "902101234") == "90210-1234"
    assert ok("POSTALCODE", "sw1a 1aa") == "SW1A 1AA"
    assert ok("POSTALCODE", "K1A0B1") == "K1A 0B1"
    for bad in ("1234", "abc", "123456"):
        rejected("ZIPCODE", bad)


def test_language() -> None:
    assert ok("LANGUAGE", "English") == "en"
    assert ok("LANG", "português") == "pt"
    assert ok("LANGUAGE", "alemão") == "de"
    assert ok("LANGUAGE", "PT-BR") == "pt"
    assert ok("LANGUAGE", "xx") == "xx"
    rejected("LANGUAGE", "klingon!")


def test_cpf_and_cnpj() -> None:
    assert ok("CPF", "529.982.247-25") == "529.982.247-25"
    rejected("CPF", "529.982.247-26")
    rejected("CPF", "5299822472")
    rejected("CPF", "abc")
    assert ok("CNPJ", "11222333000181") == "11.222.333/0001-81"
    assert ok("CNPJ", "11.222.333/0001-81") == "11.222.333/0001-81"
    rejected("CNPJ", "11.222.333/0001-82")
    rejected("CNPJ", "00000000000000")


def test_url_uuid_color() -> None:
    assert ok("URL", "example.com/path?q=1") == "https://example.com/path?q=1"
    assert ok("LINK", "http://localhost:8080") == "http://localhost:8080"
    for bad in ("not a url", "ftp://example.com", "https://", "example"):
        rejected("URL", bad)
    u = "123E4567-E89B-12D3-A456-426614174000"
    assert ok("UUID", u) == u.lower()
    rejected("GUID", "1234")
    assert ok("COLOR", "Red") == "#FF0000"
    assert ok("COLOUR", "#abc") == "#AABBCC"
    assert ok("COLOR", "#a1b2c3") == "#A1B2C3"
    assert ok("COLOR", "rgb(255, 0, 16)") == "#FF0010"
    for bad in ("rgb(256,0,0)", "abc", "#abcd", "chartreuse-ish"):
        rejected("COLOR", bad)


def test_credit_card_is_masked() -> None:
    assert ok("CREDITCARD", "4111 1111 1111 1111") == "4111 **** **** 1111"
    assert ok("CARD", "5500-0000-0000-0004") == "5500 **** **** 0004"
    rejected("CARD", "4111 1111 1111 1112")
    rejected("CARD", "4111")
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


# ---------------------------------------------------------------- menus


def test_menu_matching() -> None:
    assert ok("MENU", "banana", *FRUITS) == "Banana"
    assert ok("MENU", " ORANGE ", *FRUITS) == "Orange"
    assert ok("MENU", "1", *FRUITS) == "Apple"
    assert ok("MENU", "I want a banana please", *FRUITS) == "Banana"
    assert ok("", "ban", *FRUITS) == "Banana"  # options alone make a menu
    assert ok("MENU", "cafe", "Café", "Tea") == "Café"


def test_menu_rejects_ambiguous_or_unknown_answers() -> None:
    hint = rejected("MENU", "an", *FRUITS)  # Banana and Orange both contain "an"
    assert hint == "Please choose one of: Apple, Banana, Orange."
    rejected("MENU", "4", *FRUITS)
    rejected("MENU", "0", *FRUITS)
    rejected("MENU", "kiwi", *FRUITS)
    rejected("MENU", "", *FRUITS)
    rejected("MENU", "g", *FRUITS)
    rejected("MENU", "not sure", "Yes", "No")


def test_menu_wildcard_accepts_anything() -> None:
    assert ok("MENU", "DONE", "done", "*") == "done"
    assert ok("MENU", "A-123", "done", "*") == "A-123"
    assert ok("MENU", "1", "done", "*") == "1"  # item codes are not option numbers
    assert ok("MENU", "free text") == "free text"


# ---------------------------------------------------------------- attachments


@pytest.mark.parametrize("kind", sorted(ATTACHMENT_KINDS))
def test_attachment_types_are_refused_in_text_chat(kind: str) -> None:
    hint = rejected(kind, "https://example.com/cat.png")
    assert "not supported in text chat" in hint


def test_kind_spelling_is_forgiving() -> None:
    assert ok("credit_card", "4111111111111111") == "4111 **** **** 1111"
    assert ok("zip code", "90210") == "90210"
    assert ok("email", "A@B.CO") == "a@b.co"


# ---------------------------------------------------------------- properties

_KINDS = sorted(set(vocabulary.HEAR_TYPES) | {"NUMBER", "MENU", "UNKNOWN"})


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(_KINDS), text=st.text(max_size=40))
def test_validation_never_raises(kind: str, text: str) -> None:
    answer = validate_answer(kind, text, FRUITS if kind == "MENU" else (), today=TODAY)
    assert answer.ok == (answer.hint == "")
    if answer.ok:
        to_display(answer.value)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(-(10**12), 10**12))
def test_integers_round_trip(n: int) -> None:
    assert ok("INTEGER", str(n)) == n
    assert ok("INTEGER", f"{n:,}") == n

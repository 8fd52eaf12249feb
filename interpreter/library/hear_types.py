"""HEAR ... AS type: validate and normalise a user's text answer.

``validate_answer`` is pure: the runtime re-asks with ``Answer.hint`` while ``ok`` is false.
Stored values use real types so scripts can test them either way (loose ``=`` makes
``confirm = "true"`` and ``IF confirm THEN`` both work):

* INTEGER/INT → ``int``; NUMBER → ``int`` when whole, else ``float`` (2 decimals);
* FLOAT/DECIMAL/DOUBLE and MONEY/CURRENCY/AMOUNT → ``float`` rounded to 2 decimals;
* BOOLEAN/BOOL → ``bool``; DATE → ``datetime.date`` (displays as ``YYYY-MM-DD``);
* everything else → a normalised ``str`` (HOUR is ``"HH:MM"``, PASSWORD is ``"[PASSWORD SET]"``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from interpreter.library.formatting import parse_numeric_date
from interpreter.values import Value


@dataclass(frozen=True)
class Answer:
    """The outcome of validating one answer: the stored value, or the hint to re-ask with."""

    ok: bool
    value: Value = None
    hint: str = ""


Rule = Callable[[str], Value]  # the normalised value, or None when the text is invalid

_RULES: dict[str, tuple[Rule, str]] = {}

ATTACHMENT_KINDS: dict[str, str] = {
    **dict.fromkeys(("IMAGE", "PHOTO", "PICTURE"), "an image"),
    **dict.fromkeys(("FILE", "DOCUMENT", "DOC", "PDF"), "a file"),
    **dict.fromkeys(("AUDIO", "VOICE", "SOUND"), "an audio message"),
    "VIDEO": "a video",
    **dict.fromkeys(("QRCODE", "QR"), "a QR code picture"),
    **dict.fromkeys(("LOGIN", "AUTH"), "a login"),
}


def normalize_kind(kind: str | None) -> str:
    """``credit_card`` → ``CREDITCARD``; no kind is STRING."""
    return re.sub(r"[\s_-]", "", (kind or "STRING").upper()) or "STRING"


def _rule(*kinds: str, hint: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for k in kinds:
            _RULES[k] = (fn, hint)
        return fn

    return register


def known_kinds() -> frozenset[str]:
    """Every HEAR type with a meaning of its own (any other is taken as text, unchecked)."""
    return frozenset({*_RULES, *ATTACHMENT_KINDS, "DATE", "MENU", "STRING", "TEXT"})


def validate_answer(
    kind: str | None, text: str, options: tuple[str, ...] = (), today: dt.date | None = None
) -> Answer:
    """Check ``text`` against a HEAR type (or a menu of ``options``) and normalise it."""
    k = normalize_kind(kind)
    t = text.strip()
    if options or k == "MENU":
        return choose_option(t, options)
    if k in ATTACHMENT_KINDS:
        what = ATTACHMENT_KINDS[k]
        hint = f"This question expects {what}; attachments are not supported in text chat."
        return Answer(False, None, hint)
    if k == "DATE":
        value = parse_date_answer(t, today or dt.date.today())
        return Answer(True, value) if value else Answer(False, None, _DATE_HINT)
    if k not in _RULES:
        return Answer(True, t)
    fn, hint = _RULES[k]
    value = fn(t) if len(t) <= 1000 else None  # no valid typed answer is longer
    return Answer(False, None, hint) if value is None else Answer(True, value)


def fold(s: str) -> str:
    """Lower-cased text without accents, for forgiving comparisons (``Não`` ≈ ``nao``)."""
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------- menus


def choose_option(t: str, options: tuple[str, ...]) -> Answer:
    """Exact option (any case), its 1-based number, or the one option a fragment points to."""
    real = [o for o in options if o.strip() != "*"]
    if len(real) != len(options) or not options:
        # A "*" option (or a bare MENU) accepts anything, but a typed option keeps its spelling.
        exact = [o for o in real if fold(o.strip()) == fold(t)]
        return Answer(True, exact[0] if exact else t)
    hint = "Please choose one of: " + ", ".join(real) + "."
    if not t:
        return Answer(False, None, hint)
    f = fold(t)
    for o in real:
        if fold(o.strip()) == f:
            return Answer(True, o)
    if t.isascii() and t.isdigit() and 1 <= int(t) <= len(real):
        return Answer(True, real[int(t) - 1])
    if len(f) < 2:
        return Answer(False, None, hint)  # one letter points nowhere reliably
    inside = [o for o in real if f in fold(o)]
    if len(inside) == 1:
        return Answer(True, inside[0])
    around = [o for o in real if _names_word(fold(o.strip()), f)]
    if not inside and len(around) == 1:
        return Answer(True, around[0])
    return Answer(False, None, hint)


def _names_word(option: str, answer: str) -> bool:
    # "I want a banana" names the option "Banana" as a whole word ("not sure" is not "No").
    return bool(option) and re.search(rf"\b{re.escape(option)}\b", answer) is not None


# ---------------------------------------------------------------- text and people


_EMAIL = re.compile(r"[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")


@_rule("EMAIL", hint="Please enter a valid email address.")
def _email(t: str) -> Value:
    e = t.lower()
    ok = _EMAIL.fullmatch(e) and ".." not in e and not e.startswith(".")
    return e if ok else None


def _cap(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


@_rule("NAME", hint="Please enter a valid name (letters only, 2 to 100 characters).")
def _name(t: str) -> Value:
    name = " ".join(t.split())
    letters = sum(c.isalpha() for c in name)
    if not 2 <= len(name) <= 100 or letters < 2:
        return None
    if not all(c.isalpha() or c in " -'’" for c in name):
        return None
    return " ".join(_cap(w) for w in name.split(" "))


@_rule("PASSWORD", "PASS", "SECRET", hint="Please enter a password of at least 8 characters.")
def _password(t: str) -> Value:
    return "[PASSWORD SET]" if len(t) >= 8 else None  # the secret itself is never stored


# ---------------------------------------------------------------- numbers


_THOUSANDS = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")
_WHOLE_WITH_ZEROS = re.compile(r"(\d+)[.,]0+")


def parse_integer(t: str) -> int | None:
    """``1234``, ``1,234``, ``1.234.567``, ``1 234``, ``-5``, ``5.0``; not ``1.5``."""
    s = re.sub(r"[\s\u00a0_]", "", t)
    sign = -1 if s.startswith("-") else 1
    s = s[1:] if s[:1] in "+-" else s
    if len(s) > 30:
        return None
    if s.isascii() and s.isdigit():
        return sign * int(s)
    if _THOUSANDS.fullmatch(s):
        return sign * int(re.sub(r"[.,]", "", s))
    m = _WHOLE_WITH_ZEROS.fullmatch(s)
    return sign * int(m.group(1)) if m else None


def parse_decimal(t: str, money: bool) -> decimal.Decimal | None:
    """A decimal number; the last of ``,``/``.`` is the decimal point when both appear.

    For money a single separator before exactly three digits groups thousands (``1.234``);
    otherwise a single separator is the decimal point (``3,5``).
    """
    s = re.sub(r"[\s\u00a0]", "", t)
    if len(s) > 40:
        return None
    sign = "-" if s.startswith("-") else ""
    s = s[1:] if s[:1] in "+-" else s
    if re.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+", s) and not money:
        return decimal.Decimal(sign + s)
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", s):
        return None
    seps = {c for c in s if c in ",."}
    point = None
    if len(seps) == 2:
        point = s[max(s.rfind(","), s.rfind("."))]
    elif seps:
        sep = next(iter(seps))
        grouped = re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})+", s)
        point = None if s.count(sep) > 1 or (money and grouped) else sep
    whole, _, frac = s.partition(point) if point else (s, "", "")
    thousands = ({",", "."} - {point}).pop() if point else next(iter(seps), ",")
    if thousands in whole:
        if not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", whole):
            return None  # "1.2.3" is not a number
        whole = whole.replace(thousands, "")
    if "," in frac or "." in frac:
        return None
    return decimal.Decimal(f"{sign}{whole or 0}.{frac or 0}")


def _two_places(d: decimal.Decimal) -> float | None:
    if not d.is_finite() or abs(d) >= decimal.Decimal("1e15"):
        return None  # beyond what a person types, and beyond exact cents in a float
    return float(d.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))


@_rule("INTEGER", "INT", hint="Please enter a whole number.")
def _integer(t: str) -> Value:
    return parse_integer(t)


@_rule("NUMBER", "NUM", "NUMERIC", hint="Please enter a number.")
def _number(t: str) -> Value:
    whole = parse_integer(t)
    if whole is not None:
        return whole
    d = parse_decimal(t, money=False)
    if d is None:
        return None
    value = _two_places(d)
    return int(value) if value is not None and value.is_integer() else value


@_rule("FLOAT", "DECIMAL", "DOUBLE", "REAL", hint="Please enter a number, like 3.14.")
def _float(t: str) -> Value:
    d = parse_decimal(t, money=False)
    return None if d is None else _two_places(d)


_SYMBOLS = r"(?:R\$|US\$|\$|€|£|¥|BRL|USD|EUR|GBP)"
_CURRENCY = re.compile(rf"^{_SYMBOLS}|{_SYMBOLS}$", re.IGNORECASE)


@_rule("MONEY", "CURRENCY", "AMOUNT", hint="Please enter a valid amount, like 1234.56.")
def _money(t: str) -> Value:
    s = _CURRENCY.sub("", t.strip()).strip()
    d = parse_decimal(s, money=True)
    return None if d is None or d < 0 else _two_places(d)


# ---------------------------------------------------------------- yes / no

_YES = frozenset((
    "yes", "y", "true", "1", "sim", "s", "si", "sí", "oui", "ja", "da", "ok", "okay", "yeah",
    "yep", "sure", "confirm", "confirmed", "accept", "agree", "agreed", "claro", "certo",
))
_NO = frozenset((
    "no", "n", "false", "0", "não", "nao", "non", "nein", "net", "nope", "nah", "cancel",
    "deny", "denied", "reject", "declined", "disagree", "negativo",
))


@_rule("BOOLEAN", "BOOL", hint="Please answer yes or no.")
def _boolean(t: str) -> Value:
    word = t.lower().rstrip(".!").strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


# ---------------------------------------------------------------- dates and times

_DATE_HINT = "Please enter a valid date, like 25/12/2024."
_RELATIVE = {
    **dict.fromkeys(("today", "hoje", "hoy"), 0),
    **dict.fromkeys(("tomorrow", "amanhã", "amanha", "mañana", "manana"), 1),
    **dict.fromkeys(("yesterday", "ontem", "ayer"), -1),
}
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_MONTHS_PT = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
              "setembro", "outubro", "novembro", "dezembro")
_MONTH_NAMES = {m: i % 12 + 1 for i, m in enumerate(_MONTHS_EN + _MONTHS_PT)}
_MONTH_NAMES.update(marco=3, sept=9)
for _full, _n in list(_MONTH_NAMES.items()):
    _MONTH_NAMES.setdefault(_full[:3], _n)  # jan feb ... and fev abr mai ago set out dez


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date_answer(t: str, today: dt.date) -> dt.date | None:
    """A date typed by a person; day-first when ambiguous (``01/02/2024`` is 1 February)."""
    s = t.lower().strip().rstrip(".")
    if s in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[s])
    if re.fullmatch(r"[\d/.-]+", s):
        return parse_numeric_date(s, short_years=True, times=False)
    words = re.sub(r"[,.]|\bde\b|(?<=\d)(st|nd|rd|th)\b", " ", s).split()
    if len(words) == 3:
        if words[0].isdigit() and words[1] in _MONTH_NAMES and words[2].isdigit():
            return _date(int(words[2]), _MONTH_NAMES[words[1]], int(words[0]))
        if words[0] in _MONTH_NAMES and words[1].isdigit() and words[2].isdigit():
            return _date(int(words[2]), _MONTH_NAMES[words[0]], int(words[1]))
    return None


_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2})(?::\d{2})?|h)?(am|pm)?")


@_rule("HOUR", "TIME", hint="Please enter a valid time, like 14:30 or 2:30 PM.")
def _hour(t: str) -> Value:
    s = re.sub(r"\s", "", t.lower())
    s = re.sub(r"([ap])\.?m\.?$", r"\1m", s)  # a.m. / p.m.
    m = _TIME.fullmatch(s)
    if not m or (m[2] is None and m[3] is None and not s.endswith("h")):
        return None  # a bare number is not a time
    h, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m[3] == "pm" else 0)
    if h > 23 or minute > 59:
        return None
    return f"{h:02d}:{minute:02d}"


# ---------------------------------------------------------------- contact data


def _digits(t: str, allowed: str) -> str | None:
    """The digits of ``t`` when it holds only digits and the punctuation in ``allowed``."""
    if not t or any(not (c.isdigit() or c in allowed) for c in t):
        return None
    d = "".join(c for c in t if c.isdigit())
    return d if d.isascii() else None


@_rule("MOBILE", "PHONE", "TELEPHONE", "CELLPHONE",
       hint="Please enter a valid phone number (10 to 15 digits).")
def _phone(t: str) -> Value:
    d = _digits(t, " +-().")
    if d is None or not 10 <= len(d) <= 15:
        return None
    if len(d) == 11:
        return f"({d[:2]}) {d[2:7]}-{d[7:]}"
    if len(d) == 10:
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return "+" + d


_UK_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})")
_CA_POSTCODE = re.compile(r"([A-Z]\d[A-Z])\s*(\d[A-Z]\d)")


@_rule("ZIPCODE", "ZIP", "CEP", "POSTALCODE", "POSTCODE", hint="Please enter a valid postal code.")
def _zipcode(t: str) -> Value:
    d = _digits(t, " -.")
    if d is not None:
        return {8: f"{d[:5]}-{d[5:]}", 5: d, 9: f"{d[:5]}-{d[5:]}"}.get(len(d))
    u = t.upper()
    m = _UK_POSTCODE.fullmatch(u) or _CA_POSTCODE.fullmatch(u)
    return f"{m[1]} {m[2]}" if m else None


_LANGUAGES = {
    "en": "english inglês ingles",
    "pt": "portuguese português portugues",
    "es": "spanish espanhol español espanol castellano",
    "fr": "french francês frances français",
    "de": "german alemão alemao deutsch",
    "it": "italian italiano",
    "ja": "japanese japonês japones",
    "zh": "chinese chinês chines mandarin",
    "ko": "korean coreano",
    "ru": "russian russo",
    "ar": "arabic árabe arabe",
    "hi": "hindi",
    "nl": "dutch holandês holandes",
    "pl": "polish polonês polones",
    "tr": "turkish turco",
}
_LANGUAGE_NAMES = {name: code for code, names in _LANGUAGES.items() for name in names.split()}


@_rule("LANGUAGE", "LANG", hint="Please enter a language, like English or pt.")
def _language(t: str) -> Value:
    s = t.lower()
    if s in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[s]
    if re.fullmatch(r"[a-z]{2}(?:[-_][a-z]{2,4})?", s):
        return s[:2]  # pt-BR → pt
    return None


# ---------------------------------------------------------------- Brazilian documents


def _check_digit(digits: str, weights: range | list[int]) -> int:
    r = sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11
    return 0 if r < 2 else 11 - r


@_rule("CPF", hint="Please enter a valid CPF (11 digits).")
def _cpf(t: str) -> Value:
    d = _digits(t, " .-")
    if d is None or len(d) != 11 or len(set(d)) == 1:
        return None
    if _check_digit(d[:9], range(10, 1, -1)) != int(d[9]):
        return None
    if _check_digit(d[:10], range(11, 1, -1)) != int(d[10]):
        return None
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


_CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
_CNPJ_W2 = [6, *_CNPJ_W1]


@_rule("CNPJ", hint="Please enter a valid CNPJ (14 digits).")
def _cnpj(t: str) -> Value:
    d = _digits(t, " .-/")
    if d is None or len(d) != 14 or len(set(d)) == 1:
        return None
    if _check_digit(d[:12], _CNPJ_W1) != int(d[12]) or _check_digit(d[:13], _CNPJ_W2) != int(d[13]):
        return None
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


# ---------------------------------------------------------------- web and misc

_URL = re.compile(
    r"https?://(?:localhost|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?::\d{1,5})?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


@_rule("URL", "LINK", "WEBSITE", hint="Please enter a valid web address, like https://example.com.")
def _url(t: str) -> Value:
    url = t if re.match(r"[a-z][a-z0-9+.-]*://", t, re.IGNORECASE) else "https://" + t
    return url if _URL.fullmatch(url) else None


@_rule("UUID", "GUID", hint="Please enter a valid UUID.")
def _uuid(t: str) -> Value:
    try:
        return str(uuid.UUID(t))
    except ValueError:
        return None


_COLORS = {
    "red": "#FF0000", "green": "#008000", "blue": "#0000FF", "yellow": "#FFFF00",
    "orange": "#FFA500", "purple": "#800080", "pink": "#FFC0CB", "black": "#000000",
    "white": "#FFFFFF", "gray": "#808080", "grey": "#808080", "brown": "#A52A2A",
    "cyan": "#00FFFF", "magenta": "#FF00FF",
}


@_rule("COLOR", "COLOUR", hint="Please enter a color name or a code like #FF0000.")
def _color(t: str) -> Value:
    s = t.lower().replace(" ", "")
    if s in _COLORS:
        return _COLORS[s]
    if m := re.fullmatch(r"#([0-9a-f]{3})", s):
        return "#" + "".join(c * 2 for c in m[1]).upper()
    if re.fullmatch(r"#[0-9a-f]{6}", s):
        return s.upper()
    if m := re.fullmatch(r"rgb\((\d{1,3}),(\d{1,3}),(\d{1,3})\)", s):
        parts = [int(x) for x in m.groups()]
        if all(p <= 255 for p in parts):
            return "#" + "".join(f"{p:02X}" for p in parts)
    return None


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum used by card numbers."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


@_rule("CREDITCARD", "CARD", hint="Please enter a valid card number.")
def _card(t: str) -> Value:
    d = _digits(t, " -")
    if d is None or not 13 <= len(d) <= 19 or not luhn_ok(d):
        return None
    return f"{d[:4]} **** **** {d[-4:]}"  # only a masked form is ever stored

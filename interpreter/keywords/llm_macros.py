"""``CALCULATE formula, variables`` and ``VALIDATE data, rules``: questions to the language
model with the prompts and result parsing of General Bots' botbasic_ai/src/keywords/
llm_macros.rs. CALCULATE gives an integer, a number, a boolean (true/yes, false/no), parsed
JSON or the text; VALIDATE gives ``{"is_valid", "errors", "warnings"}`` from the model's JSON
(a code fence around it is fine), else ``is_valid`` from the words "valid"/"invalid".
"""

from __future__ import annotations

import json
from typing import Any

from ..values import to_display, to_json
from .context import Clauses, KeywordContext
from .llm import ask
from .registry import keyword

_CALCULATOR = ("You are a precise calculator. Substitute the variables into the formula, "
               "perform the calculation and return ONLY the final result (number, boolean, "
               "or text), no explanations.")
_VALIDATOR = ('You are a data validator. Validate the data against the rules. Return ONLY a '
              'JSON object: {"is_valid": true/false, "errors": ["…"], "warnings": ["…"]}')


def _variables(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {to_display(v)}" for k, v in value.items())
    return "none" if value is None else to_display(value)


def calculate_result(reply: str) -> Any:
    text = reply.strip()
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            pass
    if text.lower() in ("true", "yes", "false", "no"):
        return text.lower() in ("true", "yes")
    try:
        return json.loads(text)
    except ValueError:
        return text


@keyword("CALCULATE", args=2, usage="formula, variables")
async def calculate(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    formula, variables = args
    prompt = f"Formula: {to_display(formula)}\nVariables: {_variables(variables)}\n\nResult:"
    return calculate_result(await ask(rt, "CALCULATE", _CALCULATOR, prompt))


def validate_result(reply: str) -> dict[str, Any]:
    text = reply.strip()
    if text.startswith("```"):
        body = []
        for row in text.splitlines()[1:]:
            if row.startswith("```"):
                break
            body.append(row)
        text = "\n".join(body)
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if isinstance(found, dict):
        return {"is_valid": found.get("is_valid") is True,
                "errors": [to_display(e) for e in found.get("errors") or []],
                "warnings": [to_display(w) for w in found.get("warnings") or []]}
    low = text.lower()
    return {"is_valid": "valid" in low and "invalid" not in low, "errors": [], "warnings": []}


@keyword("VALIDATE", args=2, usage="data, rules")
async def validate(rt: KeywordContext, args: list[Any], clauses: Clauses,
                   line: int) -> dict[str, Any]:
    data, rules = args
    shown = to_json(data) if isinstance(data, dict) else to_display(data)
    prompt = f"Data:\n{shown}\n\nRules:\n{to_display(rules)}\n\nReturn ONLY the JSON:"
    return validate_result(await ask(rt, "VALIDATE", _VALIDATOR, prompt))

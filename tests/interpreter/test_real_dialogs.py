"""Constructs taken from real General Bots dialogs must parse, and run where they can."""

from interpreter import Severity, check_source

from .helpers import run

REAL_STYLE = r'''
REM Lead capture tool in the style of the General Bots templates
PARAM name AS STRING LIKE "John Doe" DESCRIPTION "Full name of the lead"
PARAM email AS EMAIL LIKE "john@example.com" DESCRIPTION "Contact e-mail" REQUIRED
PARAM budget AS MONEY LIKE 1000 DESCRIPTION "Budget" OPTIONAL
DESCRIPTION "Captures a lead and scores it"

SET SCHEDULE "0 9 * * 1-5"
USE KB "products"
ADD TOOL "create-lead"
let lead = NEW OBJECT
lead.name = name
lead.email = email
lead.created = NOW()
lead.tags = []
lead.tags.push("web")
score = 0;
IF email CONTAINS "@gmail" OR email CONTAINS "@hotmail" THEN
    score = score + 5
ELSE IF NOT ISEMPTY(budget) && budget > 500 THEN
    score = score + 20
ELSE
    score = score + 10
END IF

export_data = {
    "lead": lead,
    "score": score,
    "source": 'web',
}
list = [1, 2, 3]
total = 0
FOR EACH item IN list DO
    total = total + item
END FOR
j = 0
DO WHILE j < UBOUND(list)
    j = j + 1
LOOP
status = item?.status ?? "new"
SET BOT MEMORY "lead_score_" + email, STR(score)
last = GET BOT MEMORY("lead_score_" + email)
msg = FORMAT(score, "0") + " points"
BEGIN SYSTEM PROMPT
You are a sales assistant. Products: ${TOJSON(list)}
END SYSTEM PROMPT
TALK "Lead ${lead.name} scored ${score}" + " (" + msg + ")"
TALK "Total " + total + ", j=" + j + ", status=" + status + ", last=" + last
RETURN export_data
'''


def test_real_style_dialog_checks_without_errors():
    diags = check_source(REAL_STYLE, "lead.bas")
    assert [d.format() for d in diags if d.severity is Severity.ERROR] == []


def test_real_style_dialog_runs_with_params():
    out = run(REAL_STYLE.replace('SET SCHEDULE "0 9 * * 1-5"\nUSE KB "products"\n'
                                 'ADD TOOL "create-lead"\n', ""),
              params={"name": "Ana", "email": "ana@corp.com", "budget": 900})
    assert out.talks == ["Lead Ana scored 20 (20 points)",
                         "Total 6, j=2, status=new, last=20"]
    assert out.memory == {"lead_score_ana@corp.com": "20"}
    assert out.result["lead"]["tags"] == ["web"] and out.result["source"] == "web"


REAL_2026 = r'''
PARAM turno AS STRING ENUM ["MANHA", "TARDE"] LIKE "MANHA" DESCRIPTION "Turno"
PARAM unidade AS "celsius", "fahrenheit"
DESCRIPTION "Registers a visit in the 2026 dialect of the templates"
ADD SWITCHER "tables" AS "Tabelas"
send_email = FALSE
visits = GET_BOT_MEMORY("visits_" + turno)
IF visits = "" THEN visits = "0"
SET_BOT_MEMORY("visits_" + turno, visits + "1")
tries = 0
again:
tries = tries + 1
IF tries < 3 THEN GOTO again
ON ERROR RESUME NEXT
THROW "falhou"
IF send_email THEN
    TALK "mail"
ELSE
    TALK "sem mail: " + ERROR MESSAGE
END IF
TALK turno + " " + unidade + " " + tries
'''


def test_a_2026_style_dialog_checks_and_runs() -> None:
    diags = check_source(REAL_2026, "visit.bas")
    assert [d.format() for d in diags if d.severity is Severity.ERROR] == []
    out = run(REAL_2026, params={"turno": "TARDE", "unidade": "celsius"})
    assert out.talks == ["sem mail: falhou", "TARDE celsius 3"]
    assert out.memory == {"visits_TARDE": "01"}

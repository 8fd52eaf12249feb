"""The words of the language: keyword phrases, block words and operator words.

A multi-word keyword may be written with spaces or underscores (``SET_BOT_MEMORY`` ≡
``SET BOT MEMORY``); phrases here are upper-case words joined by single spaces.
The parser, the highlighter, completion and the linter all read this one list.
"""

from __future__ import annotations

# Keyword statements ``PHRASE args``. Those whose runtime exists are registered in
# ``interpreter.keywords``; the rest parse (so ``talkbench check`` accepts real dialogs)
# and fail clearly when run.
STATEMENT_PHRASES: tuple[str, ...] = (
    # dialog
    "TALK", "TALK TO", "WAIT", "PRINT",
    # memory and session
    "SET BOT MEMORY", "GET BOT MEMORY", "SET USER MEMORY", "GET USER MEMORY",
    "CLEAR USER MEMORY", "REMEMBER USER FACT", "REMEMBER", "RECALL",
    "SET CONTEXT", "SET USER", "SET SCHEDULE", "SET SESSION", "GET SESSION",
    "SET ANSWER MODE", "SET MAX LINES", "ALLOW ROLE",
    # suggestions, tools, knowledge
    "ADD SUGGESTION", "ADD SUGGESTION TOOL", "CLEAR SUGGESTIONS",
    "ADD TOOL", "USE TOOL", "REMOVE TOOL", "CLEAR TOOLS", "LIST TOOLS",
    "SET KB", "ADD KB", "USE KB", "CLEAR KB", "ADD WEBSITE", "USE WEBSITE", "CLEAR WEBSITES",
    "USE MODEL", "SET MODEL ROUTING",
    # data
    "FIND", "SAVE", "INSERT", "UPDATE", "DELETE", "MERGE", "FILTER", "AGGREGATE",
    "PIVOT", "GROUP BY", "MAP", "FILL", "APPEND", "PUSH",
    # web and files
    "GET", "POST", "PUT", "PATCH", "DELETE HTTP", "SET HEADER", "CLEAR HEADERS", "GRAPHQL",
    "SOAP", "WEBHOOK", "READ", "WRITE", "DELETE FILE", "COPY", "MOVE", "LIST", "COMPRESS",
    "EXTRACT", "UPLOAD", "DOWNLOAD", "GENERATE PDF", "MERGE PDF",
    # AI
    "LLM", "SUMMARIZE", "TRANSLATE", "SENTIMENT", "CLASSIFY", "OCR", "SAVE FROM UNSTRUCTURED",
    "CREATE SITE", "CREATE DRAFT", "WEBSITE OF", "IMAGE", "VIDEO", "AUDIO", "SEE",
    "POLISH MESSAGE",
    # messaging
    "SEND MAIL", "SEND EMAIL", "SEND TEMPLATE", "SEND SMS", "SEND FILE", "SEND FILE TO",
    "SEND TO", "SEND MESSAGE", "BROADCAST", "ADD MEMBER", "CREATE TEAM",
    # business back ends
    "TRANSFER TO HUMAN", "CREATE TASK", "BOOK MEETING", "CHECK AVAILABILITY", "SCORE LEAD",
    "QUALIFY LEAD", "AI SCORE LEAD", "TAG CONVERSATION", "RESOLVE CONVERSATION",
    "ASSIGN CONVERSATION", "SET PRIORITY", "ADD NOTE", "LOG", "LOG ACTIVITY", "RECORD METRIC",
    "NOTIFY AGENT", "CACHE SET", "REFRESH", "PUBLISH", "TRIGGER", "GET QUEUE", "NEXT IN QUEUE",
    # tables: indexes on the bot's tables (``CREATE INDEX idx ON leads(email)``)
    "CREATE INDEX", "CREATE UNIQUE INDEX",
    # services Talkbench has no back end for (code sandbox, other bots, social networks):
    # they parse, and fail or are skipped when run (setting ``unsupported_keywords``)
    "RUN PYTHON", "RUN JAVASCRIPT", "RUN JS", "RUN BASH", "RUN PYTHON WITH FILE",
    "RUN JAVASCRIPT WITH FILE", "RUN JS WITH FILE", "RUN BASH WITH FILE",
    "ADD BOT", "REMOVE BOT", "LIST BOTS", "DELEGATE TO", "SEND TO BOT", "WAIT FOR BOT",
    "POST TO",
    # web data
    "QR CODE", "WEATHER",
    # errors
    "THROW", "ON ERROR RESUME NEXT", "ON ERROR GOTO", "CLEAR ERROR",
    "LOG INFO", "LOG WARN", "LOG ERROR", "LOG DEBUG",
)

# Keywords that also work inside expressions without parentheses (``x = LLM "p" + s``).
# Each consumes the rest of the expression as its arguments.
EXPRESSION_PHRASES: tuple[str, ...] = (
    "GET BOT MEMORY", "GET USER MEMORY", "GET SESSION", "RECALL",
    # in-memory data (``x = FILTER rows, "age > 30"``); JOIN(list, sep) stays the built-in
    "FILTER", "AGGREGATE", "PIVOT", "GROUP BY", "MAP", "FILL", "JOIN",
    "LLM", "GET", "POST", "PUT", "PATCH", "DELETE HTTP", "FIND", "FIRST", "LAST", "FORMAT",
    "WEBSITE OF", "DOWNLOAD", "READ", "SCORE LEAD", "SUMMARIZE", "TRANSLATE", "SENTIMENT",
    "CLASSIFY", "DATEADD", "LIST", "UPLOAD", "LIST TOOLS",
    # table writes give a count or an id (``n = UPDATE "t", "id=1", m``)
    "SAVE", "INSERT", "UPDATE", "DELETE", "MERGE",
    "GRAPHQL", "SOAP", "IMAGE", "AUDIO", "VIDEO", "SEE", "OCR", "SAVE FROM UNSTRUCTURED",
    "POLISH MESSAGE", "CREATE SITE", "CREATE DRAFT",
    # file keywords give the path they wrote (``pdf = GENERATE PDF "t.html", d, "o.pdf"``)
    "GENERATE PDF", "MERGE PDF", "COMPRESS", "EXTRACT", "COPY", "MOVE",
    # services without a local back end give no value, but parse (``x = RUN PYTHON code``)
    "RUN PYTHON", "RUN JAVASCRIPT", "RUN JS", "RUN BASH", "RUN PYTHON WITH FILE",
    "RUN JAVASCRIPT WITH FILE", "RUN JS WITH FILE", "RUN BASH WITH FILE",
    "LIST BOTS", "WAIT FOR BOT", "GET QUEUE", "NEXT IN QUEUE", "QR CODE", "WEATHER",
    # CRM keywords give ids, maps or booleans (``result = ASSIGN CONVERSATION sid, att``)
    "CREATE TASK", "BOOK MEETING", "CHECK AVAILABILITY", "QUALIFY LEAD", "AI SCORE LEAD",
    "TAG CONVERSATION", "RESOLVE CONVERSATION", "ASSIGN CONVERSATION", "SET PRIORITY",
    "ADD NOTE", "LOG ACTIVITY", "RECORD METRIC", "NOTIFY AGENT",
    # sending gives the provider's status (``status = SEND MAIL to, s, b`` and
    # ``result = SEND SMS phone, text`` in the General Bots docs)
    "SEND MAIL", "SEND EMAIL", "SEND SMS", "SEND TEMPLATE",
)

# Keywords the 2026 engine registers (botserver/crates/botbasic_*: register_custom_syntax and
# register_fn); docs/keyword-status.md says what each does in Talkbench.
_ENGINE_2026_VALUES: tuple[str, ...] = (
    # attendance (botbasic_data/src/keywords/crm/attendance.rs)
    "GET ATTENDANTS", "GET ATTENDANTS WITH STATUS", "GET ATTENDANT STATS", "GET SUMMARY",
    "GET SMART REPLIES",
    "GET CUSTOMER HISTORY", "GET TIPS", "ANALYZE SENTIMENT",
    # knowledge (think_kb.rs, kb_statistics.rs)
    "THINK KB", "KB STATISTICS", "KB COLLECTION STATS", "KB DOCUMENTS COUNT",
    "KB DOCUMENTS ADDED SINCE", "KB LIST COLLECTIONS", "KB STORAGE SIZE",
    # products (products.rs), web data (botbasic_ai/src/keywords/web_data.rs)
    "SEARCH PRODUCTS", "SCAN BARCODE", "SCRAPE", "SCRAPE ALL", "SCRAPE IMAGES",
    "SCRAPE LINKS", "SCRAPE TABLE", "RSS",
    # data and AI macros (detect.rs, import_export.rs, search.rs, llm_macros.rs, weather.rs)
    "DETECT", "IMPORT", "EXPORT", "SEARCH", "CALCULATE", "VALIDATE", "FORECAST",
    # calendar (botbasic_comms/src/keywords/book.rs), social metrics (get_metrics.rs)
    "BOOK", "GET FACEBOOK METRICS", "GET INSTAGRAM METRICS", "GET LINKEDIN METRICS",
    "GET TWITTER METRICS",
    # agents (agent_reflection.rs, model_routing.rs, user_memory.rs)
    "REFLECT ON", "GET REFLECTION INSIGHTS", "GET CURRENT MODEL", "LIST MODELS",
    "GET USER FACTS",
    # errors (botbasic_core/src/keywords/errors/on_error.rs)
    "ERROR MESSAGE",
)
_ENGINE_2026_STATEMENTS: tuple[str, ...] = _ENGINE_2026_VALUES + (
    # chat (botbasic_comms/src/keywords/switcher.rs, add_suggestion.rs, play.rs)
    "ADD SWITCHER", "CLEAR SWITCHERS", "ADD SUGGESTION TEXT", "PLAY", "STOP", "PAUSE",
    "RESUME",
    # attendance
    "SET ATTENDANT STATUS", "ASSIGN SMART",
    # accounts (botbasic_data/src/keywords/use_account.rs)
    "USE ACCOUNT",
    # events (botbasic_ai/src/keywords/events.rs); ON EVENT … DO is a block
    "PUBLISH EVENT", "WAIT FOR EVENT",
    # memory shared between bots (botbasic_ai/src/keywords/enhanced_memory.rs)
    "BOT SHARE MEMORY", "BOT SYNC MEMORY FROM", "BOT SYNC MEMORY",
    # multi-agent and social (agent_reflection.rs, add_bot.rs, orchestration.rs, delete_post.rs)
    "SET BOT REFLECTION", "SET BOT PRIORITY", "ORCHESTRATE WORKFLOW", "DELETE POST",
    # mail events (botbasic_comms/src/keywords/on_email.rs)
    "ON EMAIL",
)
STATEMENT_PHRASES += _ENGINE_2026_STATEMENTS
EXPRESSION_PHRASES += _ENGINE_2026_VALUES

# Expression keywords whose one argument may be left out (``GET ATTENDANTS`` and
# ``GET ATTENDANTS "online"``): they end where no operand starts.
OPTIONAL_ARGUMENT_PHRASES: frozenset[str] = frozenset({
    "GET ATTENDANTS", "KB STATISTICS", "KB DOCUMENTS COUNT", "KB LIST COLLECTIONS",
    "KB STORAGE SIZE", "ERROR MESSAGE", "GET CURRENT MODEL", "LIST MODELS",
    "GET REFLECTION INSIGHTS", "GET USER FACTS",
})

# Expression keywords that take no arguments (``x = LIST TOOLS``, ``q = GET QUEUE``).
NO_ARGUMENT_PHRASES: frozenset[str] = frozenset({"LIST TOOLS", "GET QUEUE", "NEXT IN QUEUE",
                                                 "LIST BOTS"})

# Names that read the run's error state (what ON ERROR RESUME NEXT recorded), written as
# variables or as zero-argument functions; the compiler maps them to the runtime.
ERROR_STATE_NAMES: dict[str, str] = {
    "err_number": "error_number", "err_description": "error_text", "error_message": "error_text",
}

# Words that open, continue or close blocks; never taken for keyword statements.
BLOCK_WORDS: tuple[str, ...] = (
    "IF", "THEN", "ELSE", "ELSEIF", "ENDIF", "END", "FOR", "EACH", "IN", "TO", "STEP", "NEXT",
    "EXIT", "DO", "LOOP", "WHILE", "UNTIL", "WEND", "SELECT", "CASE", "SWITCH", "DEFAULT",
    "SUB", "FUNCTION", "CALL", "RETURN", "WITH", "BEGIN", "TABLE", "PARAM", "DESCRIPTION",
    "ON", "LET", "SET", "HEAR", "BREAK",
)

OPERATOR_WORDS: tuple[str, ...] = (
    "AND", "OR", "NOT", "MOD", "IS", "NULL", "LIKE", "CONTAINS", "TRUE", "FALSE", "AS", "NEW",
    "INTO", "OF", "BY", "WHERE",
)

# Words after which an argument list continues with a named clause (``HEAR x AS EMAIL``).
CLAUSE_WORDS: frozenset[str] = frozenset(
    {"AS", "INTO", "WITH", "DEFAULT", "TO", "OF", "BY", "WHERE", "ORDER", "ON", "LIKE"}
)

# HEAR AS type names (the validation rules live in ``hear_types``).
HEAR_TYPES: tuple[str, ...] = (
    "STRING", "TEXT", "EMAIL", "NAME", "INTEGER", "INT", "NUMBER", "FLOAT", "DECIMAL", "DOUBLE",
    "BOOLEAN", "BOOL", "DATE", "HOUR", "TIME", "MONEY", "CURRENCY", "AMOUNT", "MOBILE", "PHONE",
    "TELEPHONE", "ZIPCODE", "ZIP", "CEP", "POSTALCODE", "LANGUAGE", "LANG", "CPF", "CNPJ", "URL",
    "LINK", "UUID", "GUID", "COLOR", "COLOUR", "CREDITCARD", "CARD", "PASSWORD", "PASS", "SECRET",
    "MENU", "IMAGE", "PHOTO", "PICTURE", "FILE", "DOCUMENT", "DOC", "PDF", "AUDIO", "VOICE",
    "SOUND", "VIDEO", "QRCODE", "QR", "LOGIN", "AUTH",
)


def all_keyword_words() -> frozenset[str]:
    """Every single word that is part of some keyword (for highlighting and completion)."""
    words: set[str] = set(BLOCK_WORDS) | set(OPERATOR_WORDS)
    for p in STATEMENT_PHRASES + EXPRESSION_PHRASES:
        words.update(p.split())
    for name in ERROR_STATE_NAMES:
        words.update(name.upper().split("_"))
    return frozenset(words)

"""Keywords: :mod:`.registry` binds phrases to handlers; this package imports every family
so their ``@keyword`` decorators run, whichever keyword module is imported first."""

# Last: phrases no family above implements get the "needs a service" fallback.
from . import (  # noqa: F401  # noqa: F401  # noqa: F401  # noqa: F401  # noqa: F401  # noqa: F401  # noqa: F401  # noqa: F401
    ai_media,
    attendant_aids,
    attendants,
    crm,
    data,  # noqa: F401
    errors,
    events_bus,
    files,  # noqa: F401
    indexes,
    knowledge,
    lead_scoring,
    llm,
    llm_macros,
    mail,
    messaging,  # noqa: F401
    recall,
    row_sets,
    scrape,
    session,  # noqa: F401
    session_info,
    shared_memory,
    switchers,
    think,
    unsupported,
    web,
    web_data,
    web_extra,
)

unsupported.register_missing()

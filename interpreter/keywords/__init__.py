"""Keywords: :mod:`.registry` binds phrases to handlers; this package imports every family
so their ``@keyword`` decorators run, whichever keyword module is imported first."""

from . import (  # noqa: F401
    ai_media,
    attendant_aids,
    attendants,
    crm,
    data,
    errors,
    events_bus,
    files,
    indexes,
    knowledge,
    lead_scoring,
    llm,
    llm_macros,
    mail,
    messaging,
    recall,
    row_sets,
    scrape,
    session,
    session_info,
    shared_memory,
    switchers,
    think,
    unsupported,
    web,
    web_data,
    web_extra,
)

# Last, once every family has registered: phrases none implements get the "needs a service"
# fallback.
unsupported.register_missing()

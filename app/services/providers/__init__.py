"""Real providers of the outside services keywords use (see ``interpreter.ports.services``).

Importing this package registers every factory with :func:`app.services.registry.service_factory`.
"""

from . import http, knowledge, llm, mail, media, search, sms, storage, tools  # noqa: F401

"""The knowledge service (USE KB, FIND, ANSWER …): the provider and its SQLite and PostgreSQL
backends. Importing the package registers the provider's service factory."""

from . import provider  # noqa: F401

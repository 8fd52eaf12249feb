"""The services keywords use: the factory registry, settings and every provider."""

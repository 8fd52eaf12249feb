"""What the interpreter needs from its host, as Protocols: runtime, services and data ports."""

"""Scheduled dialogs (SET SCHEDULE): the plan of run times, a virtual clock, the runner, CLI."""

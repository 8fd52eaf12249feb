"""Whole-bot tools: bot packages, the database dialog, the Tables and Schedules docks."""

"""Reminders: told at a set time before or after something on a case happens or is due."""

"""Accounts: registration, email confirmation and the profile."""

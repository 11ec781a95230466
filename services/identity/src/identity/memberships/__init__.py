"""Memberships: a person's roles in each authority, joining another and switching."""

"""Organisations (landlords) and the users their administrators manage."""

"""Invitations: administrators bring staff and landlord users in; the link sets a password."""

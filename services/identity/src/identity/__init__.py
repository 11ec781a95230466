"""Accounts, sign-in with a second factor, memberships and the signing keys (JWKS)."""

"""Signing in and out, and the signed-in person's account."""

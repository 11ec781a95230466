"""Shared code every Housing Portal service runs on."""

"""The authority registry the gateway owns."""

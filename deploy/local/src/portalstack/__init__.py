"""One-machine runner of the Housing Portal: local infrastructure and every service."""

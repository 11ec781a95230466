"""The front door: the authority registry and routing of every request to its service."""

"""The front door and each authority's home page."""

"""Customer satisfaction surveys asked when a case closes."""

"""Password policy, hashing, change and reset."""

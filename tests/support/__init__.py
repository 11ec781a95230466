"""What tests of every package share: factories and helpers for the real stack."""

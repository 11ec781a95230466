"""The security audit log: who did what, from where, with what outcome."""

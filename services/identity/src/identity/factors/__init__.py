"""Second factors: one-time codes by email, authenticator apps (TOTP) and recovery codes."""

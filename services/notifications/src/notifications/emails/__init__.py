"""Emails: rendering from events, delivery records, sending over SMTP and delivery status."""

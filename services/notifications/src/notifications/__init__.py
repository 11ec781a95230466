"""In-app notifications and emails, with their delivery status."""

"""The applicant's appointments: lists and a calendar by month, week and day."""

"""The applicant's documents on an application: what is asked for, what was sent, uploading."""

"""The signed-in person's notifications and email choices; what a case's people were emailed."""

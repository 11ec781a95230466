"""Customer satisfaction surveys: the form, the list of answers and the setting."""

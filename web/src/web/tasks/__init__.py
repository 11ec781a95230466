"""The pages of tasks set on cases."""

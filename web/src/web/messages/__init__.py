"""The pages of messages on cases."""

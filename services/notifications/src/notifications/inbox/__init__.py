"""In-app notifications, the events that lead to them, and people's email preferences."""

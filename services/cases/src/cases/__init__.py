"""Cases of every kind and the casework on them: tasks, messages, letters, appointments, plans."""

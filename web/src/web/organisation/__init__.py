"""The landlord administrator's pages: their organisation's users."""

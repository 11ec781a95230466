"""The casework pages: officers' caseload and case screen, landlord users' complaints."""

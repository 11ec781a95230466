"""Demo accounts for trying the portal out on one machine."""

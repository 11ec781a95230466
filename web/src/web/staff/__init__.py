"""The authority administrator's pages: staff, members, restrictions and the audit log."""

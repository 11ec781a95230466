"""The platform administrator's pages: the authorities that use the portal."""

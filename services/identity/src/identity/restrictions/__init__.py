"""Restrictions: an authority stops a person using its portal, for a while or until lifted."""

"""Sessions: signing in, second-factor challenges, access and refresh tokens, signing out."""

"""Documents asked for and supplied; the files themselves in S3-compatible storage."""

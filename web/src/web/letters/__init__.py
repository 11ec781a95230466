"""The applicant's letters: listed NEW until opened, opened as PDFs, acknowledged."""

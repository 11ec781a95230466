"""Browser sessions kept on the server: the browser holds only an opaque id."""

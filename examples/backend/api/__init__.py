"""HTTP-facing layer: plain request-handler functions, no web framework."""

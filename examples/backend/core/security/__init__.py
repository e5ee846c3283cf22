"""Security primitives: input validation, password hashing and signed tokens."""

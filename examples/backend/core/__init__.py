"""Core domain logic of the backend: governance, security and episodic memory."""

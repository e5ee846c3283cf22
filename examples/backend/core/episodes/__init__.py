"""Episodic memory of agents: segmenting, retrieving and ageing episodes."""

"""Operational helpers for the backend."""

"""Nights without a person: scenario files, their turns synthesized and heard through the room."""

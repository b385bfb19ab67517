"""Interviews: transcripts as canonical text, segments into them, and typed study attributes."""

"""The service layer: the only code that changes a study's data. Every function takes a session."""

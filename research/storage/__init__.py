"""Storage: typed tables, engines and migrations for a study's database."""

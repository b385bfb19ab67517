"""Pure analysis over tidy pandas DataFrames: tables, statistics and charts, never the database."""

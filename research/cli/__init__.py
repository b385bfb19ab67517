"""The `research` command line: thin commands over the service layer."""

"""Routers by area; each is a thin caller of the service layer and checks CSRF on writes."""

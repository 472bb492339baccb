"""For operators: the health check, the web server, the local homeserver and the demo."""

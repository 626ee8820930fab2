"""ASGI middleware: request log and metrics, security headers, host check, body limit, CSRF token."""

"""The HTTP API: request/response schemas, dependencies and one router per resource."""

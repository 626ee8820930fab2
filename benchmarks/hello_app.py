"""A bare FastAPI hello-world: the baseline for request throughput."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def hello() -> dict[str, str]:
    """The smallest JSON answer."""
    return {"hello": "world"}

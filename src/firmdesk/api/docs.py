"""The API's reference page (/api/v1/docs): every route, read from the same
OpenAPI document clients fetch at /api/v1/openapi.json, rendered on the
server (no script: the pages' CSP holds here too). Open to anyone: it
describes the API and holds no firm's data."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict) -> list[dict]:
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["Other"])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": body["schema"].get("$ref", "").rsplit("/", 1)[-1]
                    if body
                    else "",
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return rows


@login_not_required
def api_docs(request):
    from .main import api

    schema = api.get_openapi_schema()
    operations = _operations(schema)
    tags: dict[str, list[dict]] = {}
    for op in operations:
        tags.setdefault(op["tag"], []).append(op)
    return render(
        request,
        "api/docs.html",
        {"title": schema["info"]["title"], "tags": tags, "count": len(operations)},
    )

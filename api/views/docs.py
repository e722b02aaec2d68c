"""The OpenAPI 3 schema, and a reference page rendered from it on the server.

The page is plain HTML in the portal's own layout: no scripts, nothing from another
origin, so it works under the portal's content security policy and without JavaScript.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

METHODS = ("get", "post", "patch", "put", "delete")


class SchemaView(SpectacularAPIView):
    """The schema as JSON (``?format=yaml`` for YAML); anyone may read it."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _body_fields(schema: dict, operation: dict) -> list[dict]:
    """The JSON body's fields, from the operation's request schema."""
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref:
        body = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    required = set(body.get("required", []))
    fields = []
    for name, spec in body.get("properties", {}).items():
        if spec.get("readOnly"):
            continue
        kind = spec.get("type") or ("choice" if ("$ref" in spec or "allOf" in spec) else "")
        if spec.get("format") == "date":
            kind = "date (YYYY-MM-DD)"
        if kind == "array":
            kind = f"list of {spec.get('items', {}).get('type', 'values')}"
        fields.append(
            {
                "name": name,
                "type": kind,
                "required": name in required,
                "description": spec.get("description", ""),
            }
        )
    return fields


def _operations(schema: dict) -> list[dict]:
    sections: dict[str, list] = {}
    for url, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            sections.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": url,
                    "id": operation.get("operationId", ""),
                    "description": operation.get("description", "").strip(),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p.get("in", ""),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body_fields(schema, operation),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sorted(sections.items())]


_cached: list[dict] | None = None


@require_GET
def reference(request):
    """Every endpoint, its parameters and responses, from the same schema."""
    global _cached
    if _cached is None:
        _cached = _operations(SchemaGenerator().get_schema(request=None, public=True))
    return render(request, "api/reference.html", {"sections": _cached})

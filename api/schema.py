"""The OpenAPI schema's hooks: only /api/v1/ (not Wagtail's admin API), and how the token is sent."""

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_the_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token, made by a site administrator (shown once).",
        }


def api_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _type(prop: dict, components: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "allOf" in prop:
        return " | ".join(_type(part, components) for part in prop["allOf"])
    if "oneOf" in prop:
        return " | ".join(_type(part, components) for part in prop["oneOf"])
    kind = prop.get("type", "")
    if kind == "array":
        return f"[{_type(prop.get('items', {}), components)}]"
    if "enum" in prop:
        return " | ".join(str(value) for value in prop["enum"] if value not in ("", None))
    return f"{kind} ({prop['format']})" if prop.get("format") else kind


def _fields(schema: dict, components: dict, prefix: str = "", depth: int = 0) -> list[dict]:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            {
                "name": prefix + name,
                "type": _type(prop, components),
                "required": name in required and not prop.get("readOnly"),
                "description": prop.get("description", ""),
            }
        )
        items = prop.get("items", {})
        if depth < 2 and prop.get("type") == "array" and "$ref" in items:
            rows.extend(_fields(items, components, f"{prefix}{name}[].", depth + 1))
    return rows


def reference_sections() -> list[dict]:
    """Each operation of the schema as the reference page shows it."""
    schema = api_schema()
    components = schema.get("components", {}).get("schemas", {})
    sections = []
    for api_path, operations in schema["paths"].items():
        for method, operation in operations.items():
            bodies = []
            request = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if request:
                bodies.append(
                    {"title": gettext("Request body"), "fields": _fields(request["schema"], components)}
                )
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {}).get("application/json")
                if content:
                    bodies.append(
                        {
                            "title": gettext("Answer (HTTP %(code)s)") % {"code": code},
                            "fields": _fields(content["schema"], components),
                        }
                    )
            sections.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": api_path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "type": _type(parameter.get("schema", {}), components),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "bodies": bodies,
                }
            )
    return sections
